"""A plugin's own admin page (:class:`core.plugins.contracts.WebPage`) in the dashboard's
layout: the guild's heading, the tabs, the error or "saved" message, then the plugin's
template with the variables its ``load`` returned."""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from core.web.admin import tabs
from core.web.admin_request import AdminRequest
from core.web.app import SESSION, render
from core.web.guards import AdminGuild
from core.web.panels import PluginWebPage


async def plugin_page(
    request: web.Request, found: PluginWebPage, admin: AdminGuild, asked: AdminRequest,
    error: str | None = None, status: int = 200,
) -> web.Response:
    """``found`` for ``admin``'s guild (``error`` after a refused form, with ``status``)."""
    try:
        data = await found.page.load(asked)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    session = request.get(SESSION)
    common = {"guild": admin.guild, "look": admin.look, "csrf": getattr(session, "csrf_token", ""),
              "error": error, "path": request.path_qs}
    body = Markup(found.template.render({**data, **common}))  # autoescaped output
    done = found.page.done.get(request.query.get("done", ""))
    return render(request, "plugin_page.html", {
        **common, "title": found.page.title, "name": found.page.name, "body": body,
        "done": done, "tabs": tabs(request)}, status)
