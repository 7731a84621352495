"""Leveling tables: per-guild settings, role rewards, exclusions and the XP audit trail.

XP and levels themselves live in core's ``guild_members`` and ``users`` (written only
through ``core.services.xp``).
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.plugins.api import Lifecycle

ANNOUNCE_MODES = ("same", "channel", "off")


class LevelSettings(Model):
    """How one guild earns XP and hears about level-ups (defaults when no row)."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    xp_min = fields.IntField(default=15, db_default=15)
    xp_max = fields.IntField(default=25, db_default=25)
    cooldown_seconds = fields.IntField(default=60, db_default=60)
    announce_mode = fields.CharField(max_length=16, default="same", db_default="same")
    announce_channel_id = fields.BigIntField(null=True)
    keep_lower_rewards = fields.BooleanField(default=True, db_default=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One guild's leveling settings: XP range, cooldown, announcements.",
        grows="When a guild's admin first changes a leveling setting (one row per guild).",
        cleaned="Deleted with the guild when the bot is removed.",
        owner="leveling",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "level_settings"


class LevelReward(Model):
    """A role given to members who reach a level in a guild."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    level = fields.IntField()
    role_id = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A level role reward: reaching `level` in the guild gives `role_id`.",
        grows="When an admin adds a reward (a handful per guild).",
        cleaned="Removed by admins; deleted with the guild when the bot is removed.",
        owner="leveling",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "level_rewards"
        unique_together = (("guild_id", "level"), ("guild_id", "role_id"))


class LevelExclusion(Model):
    """A channel or role whose messages earn no XP in a guild."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    target_id = fields.BigIntField()
    kind = fields.CharField(max_length=16)  # "channel" or "role"

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A channel or role excluded from earning XP in one guild.",
        grows="When an admin excludes a channel or role.",
        cleaned="Removed by admins; deleted with the guild when the bot is removed.",
        owner="leveling",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "level_exclusions"
        unique_together = (("guild_id", "target_id"),)


class XpAdjustment(Model):
    """An admin's change to a member's XP: the audit trail of the xp command."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    admin_id = fields.BigIntField()
    member_id = fields.BigIntField()
    delta = fields.IntField()
    xp_after = fields.IntField()
    reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="Who changed whose XP by how much, when and why (/xp set|add|remove).",
        grows="Every admin XP change (rare: a few per guild per month).",
        cleaned="Deleted with the guild when the bot is removed, or on the member's request.",
        owner="leveling",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "xp_adjustments"
        indexes = (Index(fields=("guild_id", "created_at"), name="idx_xp_adjustments_guild"),)


class GlobalBoardOptOut(Model):
    """A user who asked to be left off the global leaderboard (command and page)."""

    user_id = fields.BigIntField(primary_key=True, generated=False)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A user's choice to be hidden from the global leaderboard.",
        grows="When a user runs /global optout on.",
        cleaned="When the user runs /global optout off or asks for their data to be deleted.",
        owner="leveling",
        retention="Kept while the user keeps the choice.",
    )

    class Meta:
        table = "global_board_optouts"
