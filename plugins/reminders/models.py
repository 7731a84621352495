"""Reminder tables: ``reminders`` and ``user_timezones``."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.plugins.api import Lifecycle, TimerColumns


class Reminder(TimerColumns):
    """A message a user asked to receive at ``remind_at`` (a scheduler timer row).

    Seed rows have no ``guild_id``/``jump_url``; delivery copes without them.
    """

    id = fields.IntField(primary_key=True)
    user_id = fields.BigIntField()
    channel_id = fields.BigIntField()
    message = fields.TextField()
    remind_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    completed = fields.BooleanField(default=False, db_default=False)
    guild_id = fields.BigIntField(null=True)
    jump_url = fields.CharField(max_length=200, null=True)
    repeat_seconds = fields.IntField(null=True)
    # why a completed reminder was not delivered (context.DropReason); null when delivered
    dropped_reason = fields.CharField(max_length=32, null=True)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A reminder a user scheduled for themselves.",
        grows="Every /remind.",
        cleaned="Marked completed on delivery (repeats move to their next time), or completed "
        "with dropped_reason when its context is gone (author left or banned, plugin off, "
        "guild gone); cancelled rows deleted at once; completed rows deleted after 30 days.",
        owner="reminders",
        retention="Active until delivered; completed kept 30 days (configurable).",
    )

    class Meta:
        table = "reminders"
        indexes = (
            Index(fields=("remind_at", "completed"), name="idx_reminders_time"),
            Index(fields=("user_id", "completed"), name="idx_reminders_user"),
        )


class UserTimezone(Model):
    """The IANA time zone a user's absolute reminder times are read in."""

    user_id = fields.BigIntField(primary_key=True, generated=False)
    timezone = fields.CharField(max_length=64)
    updated_at = fields.DatetimeField(auto_now=True)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A user's chosen time zone (/timezone set).",
        grows="One row per user who set a time zone.",
        cleaned="Deleted with the user's data (user delete).",
        owner="reminders",
        retention="Kept while the user exists.",
    )

    class Meta:
        table = "user_timezones"
