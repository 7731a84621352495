"""The "Custom commands" page of a guild on the dashboard: list, create, edit, delete.

Validation is :mod:`plugins.customcmds.service`'s (the ``/customcmd`` code path): the
same name rules, reserved names (the bot's own commands), response limits and per-guild
limit; the service also tells every worker to drop its cached command names. Each change
gets an audit row. Responses are shown as text (Jinja autoescaping), never as markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugins.api import GuildRequest, Settings, WebPage, audit
from core.web.params import page_number
from plugins.customcmds import service
from plugins.customcmds.settings import CustomCommandsSettings

PAGE_SIZE = 50
DONE = {"create": "Command created.", "edit": "Command updated.", "delete": "Command deleted."}


def pages(settings: Settings) -> list[WebPage]:
    """The "Custom commands" page (``/dashboard/<guild>/commands``)."""
    limit = CustomCommandsSettings(**settings.plugins.section("customcmds")).max_per_guild

    async def load(request: GuildRequest) -> dict[str, Any]:
        number = page_number(request.query)
        rows, count = await service.page(request.guild_id, number, PAGE_SIZE)
        return {"commands": rows, "pages": count, "number": number, "limit": limit}

    async def handle(request: GuildRequest) -> str:
        form, guild, actor = request.form, request.guild_id, request.actor_id
        action = str(form.get("action", ""))
        name = str(form.get("name", ""))
        response = str(form.get("response", ""))
        if action == "create":
            made = await service.create(guild, name, response, actor,
                                        reserved=await request.command_names(), limit=limit)
            await audit.record_change(guild, actor, "web", f"customcmd.{made.command_name}",
                                      None, made.response)
        elif action == "edit":
            before = await service.get(guild, name)
            edited = await service.edit(guild, name, response)
            await audit.record_change(guild, actor, "web", f"customcmd.{edited.command_name}",
                                      before.response if before else None, edited.response)
        elif action == "delete":
            gone = await service.delete(guild, name)
            await audit.record_change(guild, actor, "web", f"customcmd.{gone.command_name}",
                                      gone.response, None)
        else:
            raise ValueError("unknown action")
        return action

    template = (Path(__file__).parent / "commands_page.html").read_text(encoding="utf-8")
    return [WebPage("commands", "Custom commands", template, load, handle, DONE)]
