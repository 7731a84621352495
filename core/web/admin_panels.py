"""The form route of the panels plugins contribute (``guildhall_web_panels``).

``POST /dashboard/<guild>/<panel>``: the admin's current permission and the CSRF token
are checked, the fields are read (:func:`core.web.panels.read_form`), then the panel's
own ``save`` runs (the plugin's service: validation, audit rows, cache invalidation).
A ``ValueError`` re-renders the page with the reason and a 400; nothing is changed.
Registered after every other dashboard route, so the fixed pages keep their URLs.
"""

from __future__ import annotations

from aiohttp import web

from core.web import guild_objects
from core.web.admin import page
from core.web.context import ctx
from core.web.guards import admin_form
from core.web.panels import PANELS, read_form

routes = web.RouteTableDef()


@routes.post("/dashboard/{guild_id}/{panel}")
async def save_panel(request: web.Request) -> web.StreamResponse:
    """Save one plugin panel of the guild (404 for a panel no enabled plugin offers)."""
    found = request.app[PANELS].get(request.match_info["panel"])
    admin, form = await admin_form(request)
    if found is None:
        raise web.HTTPNotFound(text="No such page.")
    try:
        objects = await guild_objects.load(ctx(request), admin.id)
        values = read_form(found.panel, form, objects)
        await found.panel.save(admin.id, values, admin.session.user_id)
    except ValueError as exc:
        return await page(request, admin, str(exc), 400)
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}?done={found.panel.name}")
