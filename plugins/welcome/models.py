"""Welcome tables: ``welcome_settings`` (the template and the DM switch of a guild).

The welcome channel and the join role are the seed's ``guild_config`` columns
(``welcome_channel_id``, ``auto_role_id``), written through core's guild config service.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.models import Model

from core.plugins.api import Lifecycle


class WelcomeSettings(Model):
    """How a guild greets new members: the template text and whether to DM it too."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    template = fields.TextField()
    dm = fields.BooleanField(default=False, db_default=False)
    set_by = fields.BigIntField()
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A guild's welcome template and whether it is also sent by DM.",
        grows="One row when staff first set the welcome text or the DM switch.",
        cleaned="Deleted when the bot is removed from the guild.",
        owner="welcome",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "welcome_settings"
