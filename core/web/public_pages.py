"""Plugin public pages, contributed through ``guildhall_web_public_pages``.

:func:`collect` asks every enabled plugin once, when the application is created, and
compiles each page's template. ``GET /g/<guild>/<slug>`` answers the common 404 while the
guild's public pages are off or the page's plugin is disabled there; otherwise the page's
body is rendered in one layout with a navigation link per page the guild offers. Pages
of the whole bot (``PublicPage.everywhere``, e.g. the global leaderboard) are served at
``GET /global/<slug>`` while their plugin is loaded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import jinja2
from aiohttp import web
from markupsafe import Markup

from core.db.models import WebSession
from core.plugins.contracts import PageRequest, PublicPage
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services import plugin_switches
from core.web.app import SESSION, render
from core.web.context import ctx
from core.web.public import NOT_FOUND, public_guild

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


@dataclass(frozen=True)
class PluginPage:
    """A public page, the plugin that contributed it and its compiled template."""

    plugin: str
    page: PublicPage
    template: jinja2.Template


PUBLIC_PAGES = web.AppKey("guildhall_public_pages", dict)
GLOBAL_PAGES = web.AppKey("guildhall_global_pages", dict)


def collect(
    plugins: PluginManager, settings: Settings, env: jinja2.Environment,
    *, everywhere: bool = False,
) -> dict[str, PluginPage]:
    """Every enabled plugin's public pages by slug, in ``[plugins] enabled`` order (guild
    pages, or with ``everywhere`` the pages of the whole bot); a bad slug or template, or
    a taken slug, is logged and skipped (the first plugin keeps it)."""
    found: dict[str, PluginPage] = {}
    order = {name: i for i, name in enumerate(plugins.enabled)}
    answers = plugins.call("guildhall_web_public_pages", settings=settings)
    for plugin, pages in sorted(answers, key=lambda answer: order.get(answer[0], 0)):
        for page in pages:
            if isinstance(page, PublicPage) and page.everywhere != everywhere:
                continue
            if not isinstance(page, PublicPage) or not _SLUG.match(page.slug):
                log.error("plugin %r: skipped a public page without a valid slug", plugin)
            elif page.slug in found:
                log.error("plugin %r: public page slug %r is already taken", plugin, page.slug)
            else:
                try:
                    template = env.from_string(page.template)
                except jinja2.TemplateSyntaxError:
                    log.exception("plugin %r: public page %r has a broken template",
                                  plugin, page.slug)
                    continue
                found[page.slug] = PluginPage(plugin, page, template)
    return found


async def _offered(pages: dict[str, PluginPage], guild_id: int) -> list[PluginPage]:
    return [p for p in pages.values() if await plugin_switches.is_enabled(guild_id, p.plugin)]


@routes.get("/g/{guild_id}/{slug}")
async def public_page(request: web.Request) -> web.Response:
    """One plugin page of the guild (the common 404 when off, unknown or disabled)."""
    pages: dict[str, PluginPage] = request.app[PUBLIC_PAGES]
    found = pages.get(request.match_info["slug"])
    guild_id = await public_guild(request)
    offered = await _offered(pages, guild_id)
    if found is None or found not in offered:
        raise web.HTTPNotFound(text=NOT_FOUND)
    session = request.get(SESSION)
    viewer = session.user_id if isinstance(session, WebSession) else None
    try:
        data = await found.page.render(PageRequest(guild_id, request.query, viewer))
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    look = await ctx(request).guild_look(guild_id)
    common = {"session": session, "csrf": getattr(session, "csrf_token", ""),
              "path": request.path_qs, "guild_id": guild_id, "guild_name": look.name}
    body = Markup(found.template.render({**data, **common}))  # autoescaped output
    return render(request, "public_page.html", {
        **common, "look": look, "title": found.page.title, "slug": found.page.slug,
        "body": body,
        "pages": [(p.page.slug, p.page.title) for p in offered],
    })


@routes.get("/global/{slug}")
async def global_page(request: web.Request) -> web.Response:
    """A page of the whole bot (no guild), e.g. the global leaderboard."""
    found = request.app[GLOBAL_PAGES].get(request.match_info["slug"])
    if found is None:
        raise web.HTTPNotFound(text=NOT_FOUND)
    session = request.get(SESSION)
    viewer = session.user_id if isinstance(session, WebSession) else None
    try:
        data = await found.page.render(PageRequest(0, request.query, viewer))
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    common = {"session": session, "csrf": getattr(session, "csrf_token", ""),
              "path": request.path_qs}
    body = Markup(found.template.render({**data, **common}))  # autoescaped output
    return render(request, "global_page.html", {"title": found.page.title, "body": body})
