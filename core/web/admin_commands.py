"""Admin page for a guild's custom commands: list, create, edit, delete.

Validation is :mod:`plugins.customcmds.service`'s (the ``/customcmd`` code path): the
same name rules, reserved names, response limits and per-guild limit; the service also
tells every worker to drop its cached command names. Responses are
shown as text (Jinja autoescaping), never as markup.
"""

from __future__ import annotations

from aiohttp import web

from core.services import audit
from core.web.app import render
from core.web.context import WebContext, ctx
from core.web.discord_api import DiscordApiError
from core.web.guards import AdminGuild, admin_form, admin_guild
from core.web.params import query_page

routes = web.RouteTableDef()
PREFIX_COMMANDS = frozenset({"help", "ping", "prefix"})
DONE = {"create": "Command created.", "edit": "Command updated.", "delete": "Command deleted."}


async def reserved_names(c: WebContext) -> set[str]:
    """Built-in command names: the bot's slash commands (from Discord) and prefix commands."""
    names = set(PREFIX_COMMANDS)
    try:
        app = await c.bot_get("/applications/@me", ttl=3600.0)
        rows = await c.bot_get(f"/applications/{app['id']}/commands", ttl=300.0)
        names.update(str(row["name"]).lower() for row in rows)
    except DiscordApiError:
        pass  # the prefix names still apply; the bot refuses a clash at run time
    return names


def _settings(c: WebContext) -> object:
    from plugins.customcmds.settings import CustomCommandsSettings

    return CustomCommandsSettings(**c.settings.plugins.section("customcmds"))


async def _page(request: web.Request, admin: AdminGuild, error: str | None = None,
                status: int = 200) -> web.Response:
    from plugins.customcmds import service

    c = ctx(request)
    number = query_page(request)
    rows, pages = await service.page(admin.id, number, 50)
    return render(request, "commands.html", {
        "guild": admin.guild, "commands": rows, "pages": pages, "number": number,
        "error": error, "done": DONE.get(request.query.get("done", "")),
        "limit": _settings(c).max_per_guild,  # type: ignore[attr-defined]
    }, status)


def _require_plugin(c: WebContext) -> None:
    if "customcmds" not in c.enabled_plugins:
        raise web.HTTPNotFound(text="Custom commands are not installed here.")


@routes.get("/dashboard/{guild_id}/commands")
async def commands_page(request: web.Request) -> web.Response:
    """The guild's custom commands, 50 per page, with the forms."""
    admin = await admin_guild(request)
    _require_plugin(ctx(request))
    return await _page(request, admin)


@routes.post("/dashboard/{guild_id}/commands")
async def change(request: web.Request) -> web.StreamResponse:
    """Create, edit or delete one command."""
    from plugins.customcmds import service

    admin, form = await admin_form(request)
    c = ctx(request)
    _require_plugin(c)
    action = str(form.get("action", ""))
    name = str(form.get("name", ""))
    response = str(form.get("response", ""))
    actor = admin.session.user_id
    try:
        if action == "create":
            made = await service.create(
                admin.id, name, response, actor, reserved=await reserved_names(c),
                limit=_settings(c).max_per_guild,  # type: ignore[attr-defined]
            )
            await audit.record_change(admin.id, actor, "web", f"customcmd.{made.command_name}",
                                      None, made.response)
        elif action == "edit":
            before = await service.get(admin.id, name)
            edited = await service.edit(admin.id, name, response)
            await audit.record_change(admin.id, actor, "web", f"customcmd.{edited.command_name}",
                                      before.response if before else None, edited.response)
        elif action == "delete":
            gone = await service.delete(admin.id, name)
            await audit.record_change(admin.id, actor, "web", f"customcmd.{gone.command_name}",
                                      gone.response, None)
        else:
            raise ValueError("unknown action")
    except ValueError as exc:
        return await _page(request, admin, str(exc), 400)
    raise web.HTTPSeeOther(f"/dashboard/{admin.id}/commands?done={action}")
