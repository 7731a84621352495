"""``[plugins.moderation]``: limits, warning expiry, DMs and escalation (off by default)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_TIMEOUT_DAYS = 28  # Discord's limit for communication_disabled_until


class ModerationSettings(BaseModel):
    """Process-wide moderation settings.

    Escalation: when a member reaches ``escalate_mute_at`` / ``escalate_kick_at`` /
    ``escalate_ban_at`` active warnings, the bot mutes (for ``escalate_mute_minutes``),
    kicks or bans them. ``0`` turns a step off (the default for all three).
    """

    model_config = ConfigDict(extra="forbid")

    max_ban_days: int = Field(365, ge=1, le=3650, title="Longest temporary ban")
    warning_expiry_days: int = Field(90, ge=1, le=3650, title="Warnings expire after")
    dm_before_action: bool = Field(True, title="Tell members by DM before acting")
    escalate_mute_at: int = Field(0, ge=0, le=100,
                                  title="Mute at this many active warnings (0: never)")
    escalate_mute_minutes: int = Field(60, ge=1, le=MAX_TIMEOUT_DAYS * 24 * 60,
                                       title="Escalation mute lasts")
    escalate_kick_at: int = Field(0, ge=0, le=100,
                                  title="Kick at this many active warnings (0: never)")
    escalate_ban_at: int = Field(0, ge=0, le=100,
                                 title="Ban at this many active warnings (0: never)")
    # A role (by name, case-insensitive) that grants a permission for moderation commands,
    # e.g. {moderate_members = "Moderator", ban_members = "Senior Moderator"}.
    permission_roles: dict[
        Literal["moderate_members", "kick_members", "ban_members", "manage_guild"], str
    ] = Field(default_factory=dict, title="Roles that grant moderation permissions")
