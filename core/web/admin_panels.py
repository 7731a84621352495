"""The routes of what plugins contribute to a guild's admin pages.

``POST /dashboard/<guild>/<panel>`` (``guildhall_web_panels``): with an ``action``, one
action of the panel's lists; otherwise its form's fields are read
(:func:`core.web.panels.read_form`) and the panel's own ``save`` runs.
``GET``/``POST /dashboard/<guild>/<page>`` (``guildhall_web_pages``): the plugin's page,
and one change through its ``handle``. The admin's current permission (and the CSRF token
of a POST) are checked before any plugin code runs; a ``ValueError`` re-renders the page
with the reason and a 400, nothing changed. Registered after every other dashboard route,
so the fixed pages keep their URLs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.plugins.contracts import WebPanel
from core.web.admin import page
from core.web.admin_pages import plugin_page
from core.web.admin_request import AdminRequest
from core.web.guards import admin_form, admin_guild
from core.web.panels import PAGES, PANELS, read_form
from core.web.params import NOT_FOUND

routes = web.RouteTableDef()


async def _save(panel: WebPanel, asked: AdminRequest, form: Any) -> None:
    """One post of ``panel``: a list action, else its form (``ValueError`` when refused)."""
    action = str(form.get("action") or "")
    if panel.lists and action:
        for entry in panel.lists:
            if action == entry.add_action:
                return await entry.add(asked)
            if action == entry.remove_action:
                return await entry.remove(asked)
    elif panel.fields and panel.save is not None:
        values = read_form(panel, form, await asked.guild())
        return await panel.save(asked.guild_id, values, asked.actor_id)
    raise ValueError("unknown action")


@routes.get("/dashboard/{guild_id}/{name}")
async def show_page(request: web.Request) -> web.Response:
    """A plugin's page of the guild (404 for a page no enabled plugin offers), for its
    audience (Manage Server unless the page names another)."""
    found = request.app[PAGES].get(request.match_info["name"])
    admin = await admin_guild(request, found.page.audience if found is not None else None)
    if found is None:
        raise web.HTTPNotFound(text=NOT_FOUND)
    return await plugin_page(request, found, admin, AdminRequest(request, admin))


@routes.post("/dashboard/{guild_id}/{name}")
async def save_panel(request: web.Request) -> web.StreamResponse:
    """Save one plugin panel or page of the guild (404 for one no enabled plugin offers)."""
    name = request.match_info["name"]
    panel, found = request.app[PANELS].get(name), request.app[PAGES].get(name)
    admin, form = await admin_form(request, found.page.audience if found is not None else None)
    asked = AdminRequest(request, admin, form)
    if panel is not None:
        try:
            await _save(panel.panel, asked, form)
        except ValueError as exc:
            return await page(request, admin, str(exc), 400)
        raise web.HTTPSeeOther(f"/dashboard/{admin.id}?done={panel.panel.name}")
    if found is None:
        raise web.HTTPNotFound(text=NOT_FOUND)
    if found.page.handle is None:
        raise web.HTTPMethodNotAllowed("POST", ["GET"], text="This page changes nothing.")
    try:
        done = await found.page.handle(asked)
    except ValueError as exc:
        return await plugin_page(request, found, admin, asked, str(exc), 400)
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}/{name}?done={done}")
