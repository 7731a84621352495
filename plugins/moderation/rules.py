"""A guild's own warning expiry and escalation thresholds (``moderation_settings``).

``[plugins.moderation]`` gives every guild its defaults; :data:`RULES` merges a guild's
row over them and changes it (validated by :class:`ModerationSettings`, audited, every
process's cache dropped through the bus): see :mod:`core.services.guild_overrides`.
"""

from __future__ import annotations

from core.plugins.api import GuildOverrides, OverridesCache
from plugins.moderation.models import ModerationGuildSettings
from plugins.moderation.settings import ModerationSettings

FIELDS = ("warning_expiry_days", "escalate_mute_at", "escalate_mute_minutes",
          "escalate_kick_at", "escalate_ban_at")
RULES = GuildOverrides(ModerationGuildSettings, ModerationSettings, FIELDS,
                       topic="moderation.rules", name="moderation")


def rules_cache(defaults: ModerationSettings) -> OverridesCache[ModerationSettings]:
    """The moderation cog's cache of effective settings per guild."""
    return OverridesCache(RULES, defaults)
