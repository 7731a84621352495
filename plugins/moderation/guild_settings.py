"""The guild's moderation log channel and mute role: one validation and one write for
``/modconfig`` and the web dashboard.

Callers describe the guild with plain facts (:mod:`core.services.guild_facts`), from
disnake objects in a command or from Discord's REST answers on the dashboard; the rules
and the write (through ``GuildConfigService.update``: audit row, every cache dropped)
are here once. A broken rule raises :class:`Refusal` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from core.bot.errors import permission_names
from core.services.guild_facts import BotFacts, RoleFacts
from plugins.moderation.checks import Refusal


def check_mute_role(role: RoleFacts, bot: BotFacts) -> None:
    """A mute role must be a normal role the bot can give (below its highest role)."""
    if role.default or role.managed:
        raise Refusal("Pick a normal role of this server.")
    if not bot.manage_roles:
        raise Refusal(f"I need these permissions here: {permission_names(['manage_roles'])}.")
    if role.position >= bot.top_position:
        raise Refusal(f"My highest role must be above the mute role ({role.name}).")


async def set_log_channel(
    configs: Any, guild_id: int, channel_id: int | None, guild_channels: Collection[int],
    *, actor_id: int, source: str,
) -> None:
    """Post cases in ``channel_id`` (``None``: nowhere); it must be one of the guild's."""
    if channel_id is not None and channel_id not in guild_channels:
        raise Refusal("That channel is not in this server.")
    await configs.update(guild_id, actor_id=actor_id, source=source, log_channel_id=channel_id)


async def set_mute_role(
    configs: Any, guild_id: int, role: RoleFacts | None, bot: BotFacts,
    *, actor_id: int, source: str,
) -> None:
    """Mute with ``role`` (``None``: Discord timeouts) after :func:`check_mute_role`."""
    if role is not None:
        check_mute_role(role, bot)
    await configs.update(guild_id, actor_id=actor_id, source=source,
                         mute_role_id=role.id if role else None)
