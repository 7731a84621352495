"""Analytics tables: ``command_stats``."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.plugins.api import Lifecycle


class CommandStat(Model):
    """One command execution, for usage analytics."""

    id = fields.IntField(primary_key=True)
    command_name = fields.TextField()
    guild_id = fields.BigIntField(null=True)
    user_id = fields.BigIntField()
    executed_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One executed command (name, guild, user, time).",
        grows="Every command invocation (written in batches).",
        cleaned="Rolled up weekly; raw rows deleted after 90 days.",
        owner="analytics",
        retention="90 days raw (configurable); weekly rollups kept.",
    )

    class Meta:
        table = "command_stats"
        indexes = (Index(fields=("executed_at",), name="idx_command_stats_time"),)


class CommandStatWeekly(Model):
    """Uses of one command in one guild during one ISO week (kept after raw rows go)."""

    id = fields.IntField(primary_key=True)
    week_start = fields.DateField()
    guild_id = fields.BigIntField(null=True)
    command_name = fields.TextField()
    uses = fields.IntField(default=0, db_default=0)
    unique_users = fields.IntField(default=0, db_default=0)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="Weekly usage summary per guild and command (the long-term analytics).",
        grows="Once a week, one row per (guild, command) used that week.",
        cleaned="Never: summaries are small and kept as the long-term record.",
        owner="analytics",
        retention="Forever.",
    )

    class Meta:
        table = "command_stats_weekly"
        unique_together = (("week_start", "guild_id", "command_name"),)
