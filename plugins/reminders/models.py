"""Reminder tables: ``reminders``."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index

from core.lifecycle import Lifecycle
from core.timer_columns import TimerColumns


class Reminder(TimerColumns):
    """A message a user asked to receive at ``remind_at``."""

    id = fields.IntField(primary_key=True)
    user_id = fields.BigIntField()
    channel_id = fields.BigIntField()
    message = fields.TextField()
    remind_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    completed = fields.BooleanField(default=False, db_default=False)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A reminder a user scheduled for themselves.",
        grows="Every /remind.",
        cleaned="Marked completed on delivery; completed rows deleted after 30 days.",
        owner="reminders",
        retention="Active until delivered; completed kept 30 days (configurable).",
    )

    class Meta:
        table = "reminders"
        indexes = (Index(fields=("remind_at", "completed"), name="idx_reminders_time"),)
