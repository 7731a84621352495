"""Moderation's dashboard panel: the guild's warning expiry and escalation thresholds.

Saved through :data:`plugins.moderation.guild_settings.RULES` (the ``/modconfig`` code path):
validated by :class:`ModerationSettings`, audited, every process's cache dropped.
"""

from __future__ import annotations

from core.plugins.api import Settings, WebPanel
from core.web.panels import overrides_panel
from plugins.moderation.guild_settings import RULES

LABELS = {
    "warning_expiry_days": "Warnings expire after (days)",
    "escalate_mute_at": "Mute at this many active warnings (0: never)",
    "escalate_mute_minutes": "Mute length (minutes)",
    "escalate_kick_at": "Kick at (0: never)",
    "escalate_ban_at": "Ban at (0: never)",
}


def panels(settings: Settings) -> list[WebPanel]:
    """The "Warnings and escalation" panel, over the ``[plugins.moderation]`` defaults."""
    return [overrides_panel(RULES, settings, "Warnings and escalation", LABELS)]
