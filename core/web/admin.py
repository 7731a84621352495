"""Admin pages: the user's guilds, and per guild its settings (core, plugins, leveling,
and the panels plugins contribute: :mod:`core.web.admin_panels`).

Every change calls the same service function as the matching slash command (the log
channel and mute role: :mod:`plugins.moderation.guild_settings`, as ``/modconfig``; roles
by :mod:`core.services.role_rule` with the user's current standing in the guild),
writes an audit row (source ``"web"``) and invalidates the caches of every process.
Bad input re-renders the page with the reason and a 400, changing nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from core.services import audit, plugin_switches
from core.services.guild_facts import ActorFacts
from core.web import guild_objects
from core.web.app import render
from core.web.context import WebContext, ctx
from core.web.guards import AdminGuild, admin_form, admin_guild, my_servers, require_session
from core.web.panels import PANELS
from core.web.plugin_settings import leveling_panel, save_leveling
from plugins.moderation.checks import Refusal
from plugins.moderation.guild_settings import check_mute_role, set_log_channel, set_mute_role

routes = web.RouteTableDef()
PanelSave = Callable[[WebContext, AdminGuild, Any], Awaitable[None]]
DONE = {"general": "Server settings saved.", "plugins": "Plugin switches saved.",
        "leveling": "Leveling settings saved."}


@routes.get("/dashboard")
async def guilds(request: web.Request) -> web.Response:
    """The guilds the user manages and the bot is in."""
    session = require_session(request)
    return render(request, "guilds.html", {"guilds": await my_servers(session)})


async def page(
    request: web.Request, admin: AdminGuild, error: str | None = None, status: int = 200
) -> web.Response:
    """The settings page of ``admin``'s guild (with ``error`` after a refused form)."""
    c = ctx(request)
    panels = request.app[PANELS]
    done = request.query.get("done", "")
    objects = await guild_objects.load(c, admin.id)
    config = await c.guild_configs.get(admin.id)
    known = c.enabled_plugins
    data: dict[str, Any] = {
        "guild": admin.guild, "config": config, "objects": objects, "error": error,
        "done": DONE.get(done) or (f"{panels[done].panel.title} saved." if done in panels
                                   else None),
        "switches": await plugin_switches.states(admin.id, known),
        "leveling": await leveling_panel(c, admin.id) if "leveling" in known else None,
        "panels": [(p, await p.panel.load(admin.id)) for p in panels.values()],
        "changes": await audit.recent_changes(admin.id, 20),
    }
    return render(request, "settings.html", data, status)


@routes.get("/dashboard/{guild_id}")
async def settings_page(request: web.Request) -> web.Response:
    """Every setting of one guild."""
    return await page(request, await admin_guild(request))


@routes.post("/dashboard/{guild_id}/general")
async def save_general(request: web.Request) -> web.StreamResponse:
    """Prefix and public pages; log channel and mute role by moderation's own rules."""
    admin, form = await admin_form(request)
    c = ctx(request)
    objects = await guild_objects.load(c, admin.id)
    config = await c.guild_configs.get(admin.id)
    actor = {"actor_id": admin.session.user_id, "source": "web"}
    try:
        channel = objects.channel_id(form.get("log_channel_id"))
        role = objects.role_of(form.get("mute_role_id"))
        if channel is not None and channel not in objects.channel_ids:
            raise Refusal("That channel is not in this server.")
        # A new mute role follows the role rule with the user's current standing; the
        # unchanged one is not checked again (re-saving the prefix needs Manage Server only).
        changed = role is None or role.id != config.mute_role_id
        who = (await guild_objects.actor(c, admin.id, admin.session.user_id)
               if role is not None and changed else ActorFacts(admin.session.user_id, False, 0, 0))
        if role is not None and changed:
            check_mute_role(role, who, objects.bot)  # every rule checked before any write
        await c.guild_configs.update(
            admin.id, prefix=str(form.get("prefix", "")).strip(),
            public_pages=form.get("public_pages") == "on", **actor)
        await set_log_channel(c.guild_configs, admin.id, channel, objects.channel_ids, **actor)
        if changed:
            await set_mute_role(c.guild_configs, admin.id, role, who, objects.bot, source="web")
    except (ValueError, Refusal) as exc:
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


async def _plugin_form(request: web.Request, plugin: str, save: PanelSave) -> web.StreamResponse:
    """Run a plugin panel's form through ``save``: 404 when the plugin is not installed,
    the page with the reason (400) on bad input, else back to the page."""
    admin, form = await admin_form(request)
    c = ctx(request)
    if plugin not in c.enabled_plugins:
        raise web.HTTPNotFound(text=f"{plugin} is not installed here.")
    try:
        await save(c, admin, form)
    except ValueError as exc:
        return await page(request, admin, str(exc), 400)
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}?done={plugin}")


@routes.post("/dashboard/{guild_id}/leveling")
async def leveling(request: web.Request) -> web.StreamResponse:
    """No-XP channels and role rewards (one action per form)."""
    return await _plugin_form(request, "leveling", save_leveling)

