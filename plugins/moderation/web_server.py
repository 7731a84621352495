"""Moderation's fields of a guild's "Server" form on the dashboard: the log channel and
the mute role, validated and written by :mod:`plugins.moderation.guild_settings` (the
``/modconfig`` code path). A new mute role follows :mod:`core.services.role_rule` with the
user's current standing; the unchanged one is not checked again (re-saving the prefix
needs Manage Server only).
"""

from __future__ import annotations

from typing import Any

from core.plugins.api import ActorFacts, Apply, GuildRequest, PanelField, ServerFields
from plugins.moderation.checks import Refusal
from plugins.moderation.guild_settings import check_mute_role, set_log_channel, set_mute_role

FIELDS = (
    PanelField("log_channel_id", "Moderation log channel", "channel", empty="(off)"),
    PanelField("mute_role_id", "Mute role", "role", empty="(Discord timeouts)"),
)


async def load(request: GuildRequest) -> dict[str, Any]:
    """The guild's log channel and mute role."""
    config = await request.guild_configs.get(request.guild_id)
    return {"log_channel_id": config.log_channel_id, "mute_role_id": config.mute_role_id}


async def check(request: GuildRequest) -> Apply:
    """Every rule checked before any write; the write of both settings."""
    objects = await request.guild()
    configs, guild_id, actor_id = request.guild_configs, request.guild_id, request.actor_id
    channel = objects.channel_id(request.form.get("log_channel_id"))
    role = objects.role_of(request.form.get("mute_role_id"))
    if channel is not None and channel not in objects.channel_ids:
        raise ValueError("That channel is not in this server.")
    config = await configs.get(guild_id)
    changed = role is None or role.id != config.mute_role_id
    who = (await request.actor() if role is not None and changed
           else ActorFacts(actor_id, False, 0, 0))
    if role is not None and changed:
        check_mute_role(role, who, objects.bot)

    async def write() -> None:
        try:
            await set_log_channel(configs, guild_id, channel, objects.channel_ids,
                                  actor_id=actor_id, source="web")
            if changed:
                await set_mute_role(configs, guild_id, role, who, objects.bot, source="web")
        except Refusal as exc:
            raise ValueError(str(exc)) from exc

    return write


def server_fields() -> list[ServerFields]:
    """The log channel and mute role inputs of the Server form."""
    return [ServerFields("moderation", FIELDS, load, check)]
