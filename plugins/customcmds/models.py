"""Custom command tables: ``custom_commands``."""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.models import Model

from core.plugins.api import Lifecycle


class CustomCommand(Model):
    """A text command a guild's staff created."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    command_name = fields.TextField()
    response = fields.TextField()
    creator_id = fields.BigIntField()
    uses = fields.IntField(default=0, db_default=0)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A server-specific command and its canned response.",
        grows="When staff create a command.",
        cleaned="When deleted by staff or when the bot is removed from the guild.",
        owner="customcmds",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "custom_commands"
        unique_together = (("guild_id", "command_name"),)
