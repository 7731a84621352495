"""Admin pages: the user's guilds, and per guild its settings (core, plugin switches, and
what plugins contribute: fields of the Server form, panels and pages, see
:mod:`core.web.admin_panels`).

Every change calls the service of the matching slash command (the plugins' through their
contributions, which check roles with :mod:`core.services.role_rule`), writes an audit row
(source ``"web"``) and invalidates the caches of every process. Bad input re-renders the
page with the reason and a 400, changing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from markupsafe import Markup

from core.plugins.contracts import PanelList, ServerFields
from core.services import audit, plugin_switches
from core.web import setting_text
from core.web.admin_request import AdminRequest
from core.web.app import render
from core.web.context import ctx
from core.web.guards import AdminGuild, admin_form, admin_guild, my_servers, require_session
from core.web.looks import faces
from core.web.panels import PAGES, PANELS, SERVER_FIELDS
from core.web.public_pages import PUBLIC_PAGES

routes = web.RouteTableDef()
DONE = {"general": "Server settings saved.", "plugins": "Plugin switches saved."}


@routes.get("/dashboard")
async def guilds(request: web.Request) -> web.Response:
    """The guilds the user manages and the bot is in."""
    session = require_session(request)
    return render(request, "guilds.html", {"guilds": await my_servers(session)})


def tabs(request: web.Request) -> list[tuple[str, str]]:
    """``(name, title)`` of every plugin page: a tab each beside "Settings"."""
    return [(name, entry.page.title) for name, entry in request.app[PAGES].items()]


def _done(request: web.Request) -> str | None:
    done = request.query.get("done", "")
    panels = request.app[PANELS]
    if done in DONE:
        return DONE[done]
    if done in panels:
        return panels[done].panel.saved or f"{panels[done].panel.title} saved."
    return None


async def _lists(lists: tuple[PanelList, ...], asked: AdminRequest) -> list[tuple[Any, Any]]:
    return [(entry, await entry.rows(asked)) for entry in lists]


@dataclass(frozen=True)
class Change:
    """One row of "Recent changes", as a person reads it."""

    when: datetime
    who: str
    source: str
    setting: str
    before: str | Markup
    after: str | Markup


async def _changes(guild_id: int, models: dict[str, Any], names: dict[int, str],
                   titles: dict[str, str]) -> list[Change]:
    rows = await audit.recent_changes(guild_id, 20)
    people = await faces(row.actor_id for row in rows)
    changes = []
    for row in rows:
        shown, key = setting_text.audit_label(row.setting, models, titles)
        before, after = audit.values(row)
        changes.append(Change(row.created_at, people[row.actor_id].name, row.source, shown,
                              setting_text.value_text(key, before, names),
                              setting_text.value_text(key, after, names)))
    return changes


async def page(
    request: web.Request, admin: AdminGuild, error: str | None = None, status: int = 200
) -> web.Response:
    """The settings page of ``admin``'s guild (with ``error`` after a refused form)."""
    c = ctx(request)
    asked = AdminRequest(request, admin)
    objects = await asked.guild()
    server: list[ServerFields] = request.app[SERVER_FIELDS]
    models = c.settings_models()
    names = setting_text.names_of(objects.channels, objects.roles)
    panels = []
    for entry in request.app[PANELS].values():
        values = await entry.panel.load(admin.id) if entry.panel.load else {}
        fixed = setting_text.lines(models.get(entry.plugin), entry.panel.fixed, names)
        panels.append((entry, values, await _lists(entry.panel.lists, asked), fixed))
    data: dict[str, Any] = {
        "guild": admin.guild, "look": admin.look, "config": await c.guild_configs.get(admin.id),
        "objects": objects, "error": error, "done": _done(request), "tabs": tabs(request),
        "public_links": [(slug, p.page.title) for slug, p in request.app[PUBLIC_PAGES].items()],
        "switches": await plugin_switches.states(admin.id, c.enabled_plugins),
        "plugin_titles": c.plugin_titles(),
        "server_fields": [(s, await s.load(asked)) for s in server],
        "panels": panels,
        "changes": await _changes(admin.id, models, names, c.plugin_titles()),
    }
    return render(request, "settings.html", data, status)


@routes.get("/dashboard/{guild_id}")
async def settings_page(request: web.Request) -> web.Response:
    """Every setting of one guild."""
    return await page(request, await admin_guild(request))


@routes.post("/dashboard/{guild_id}/general")
async def save_general(request: web.Request) -> web.StreamResponse:
    """Prefix and public pages, and the plugins' Server fields (every field checked first)."""
    admin, form = await admin_form(request)
    c = ctx(request)
    asked = AdminRequest(request, admin, form)
    try:
        writes = [await fields.check(asked) for fields in request.app[SERVER_FIELDS]]
        await c.guild_configs.update(
            admin.id, prefix=str(form.get("prefix", "")).strip(),
            public_pages=form.get("public_pages") == "on",
            actor_id=admin.session.user_id, source="web")
        for write in writes:
            await write()
    except ValueError as exc:
        return await page(request, admin, str(exc), 400)
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}?done=general")


@routes.post("/dashboard/{guild_id}/plugins")
async def save_plugins(request: web.Request) -> web.StreamResponse:
    """Per-guild plugin switches (unchecked boxes switch a plugin off)."""
    admin, form = await admin_form(request)
    known = ctx(request).enabled_plugins
    for name in known:
        await plugin_switches.set_enabled(
            admin.id, name, form.get(f"plugin_{name}") == "on",
            actor_id=admin.session.user_id, source="web", known=known,
        )
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}?done=plugins")
