"""A guild's own moderation settings: its rules (``moderation_settings``), its log channel
and its mute role, each with one validation and one write for ``/modconfig`` and the web
dashboard.

Rules (warning expiry, escalation thresholds): ``[plugins.moderation]`` gives every guild
its defaults; :data:`RULES` merges a guild's row over them and changes it (validated by
:class:`ModerationSettings`, audited, every process's cache dropped through the bus): see
:mod:`core.services.guild_overrides`.

Log channel and mute role (core's ``guild_configs`` row): callers describe the guild with
plain facts (:mod:`core.services.guild_facts`), from disnake objects in a command or from
Discord's REST answers on the dashboard; the rules and the write (through
``GuildConfigService.update``: audit row, every cache dropped) are here once. A broken
rule raises :class:`Refusal` (the channel) or :class:`core.services.role_rule.RoleRefused`
(the role) and writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from core.plugins.api import (
    ActorFacts,
    BotFacts,
    GuildOverrides,
    OverridesCache,
    RoleFacts,
    role_rule,
)
from plugins.moderation.checks import Refusal
from plugins.moderation.models import ModerationGuildSettings
from plugins.moderation.settings import ModerationSettings
from plugins.moderation.texts import TEXTS

FIELDS = ("warning_expiry_days", "escalate_mute_at", "escalate_mute_minutes",
          "escalate_kick_at", "escalate_ban_at")
RULES = GuildOverrides(ModerationGuildSettings, ModerationSettings, FIELDS,
                       topic="moderation.rules", name="moderation", texts=TEXTS)


def rules_cache(defaults: ModerationSettings) -> OverridesCache[ModerationSettings]:
    """The moderation cog's cache of effective settings per guild."""
    return OverridesCache(RULES, defaults)


def check_mute_role(role: RoleFacts, actor: ActorFacts, bot: BotFacts) -> None:
    """The mute role follows the rule of every role the bot gives
    (:func:`core.services.role_rule.check_configurable`; ``RoleRefused`` says which part failed)."""
    role_rule.check_configurable(role, actor, bot)


async def set_log_channel(
    configs: Any, guild_id: int, channel_id: int | None, guild_channels: Collection[int],
    *, actor_id: int, source: str,
) -> None:
    """Post cases in ``channel_id`` (``None``: nowhere); it must be one of the guild's."""
    if channel_id is not None and channel_id not in guild_channels:
        raise Refusal("refusal.channel_elsewhere")
    await configs.update(guild_id, actor_id=actor_id, source=source, log_channel_id=channel_id)


async def set_mute_role(
    configs: Any, guild_id: int, role: RoleFacts | None, actor: ActorFacts, bot: BotFacts,
    *, source: str,
) -> None:
    """Mute with ``role`` (``None``: Discord timeouts) after :func:`check_mute_role`."""
    if role is not None:
        check_mute_role(role, actor, bot)
    await configs.update(guild_id, actor_id=actor.id, source=source,
                         mute_role_id=role.id if role else None)
    if role is not None:
        await role_rule.record_approval(guild_id, role, actor, source)
