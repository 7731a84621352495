"""Moderation tables: ``warnings``, ``mod_actions`` (+ amendments), ``temp_punishments``,
``moderation_settings``.

``mod_actions`` and ``mod_action_amendments`` are append-only: database triggers
(hand-written migrations) reject UPDATE and DELETE on both engines, and the statements
that bypass row triggers: REPLACE on SQLite, TRUNCATE on PostgreSQL.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.plugins.api import Lifecycle, TimerColumns


class Warning(TimerColumns):
    """A disciplinary record of one rule violation."""

    id = fields.IntField(primary_key=True)
    user_id = fields.BigIntField()
    guild_id = fields.BigIntField()
    moderator_id = fields.BigIntField()
    reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    expires_at = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True, db_default=True)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One warning a moderator gave a member, the base of escalation.",
        grows="Every /warn.",
        cleaned="Set inactive when it expires or is pardoned; hard-deleted after retention.",
        owner="moderation",
        retention="Expire after 90 days, delete after 365 days (both configurable).",
    )

    class Meta:
        table = "warnings"
        indexes = (
            Index(fields=("user_id", "guild_id", "active"), name="idx_warnings_user_guild"),
            Index(fields=("expires_at", "active"), name="idx_warnings_expires"),
        )


class ModAction(Model):
    """One entry of the append-only moderation audit log."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    moderator_id = fields.BigIntField()
    target_id = fields.BigIntField()
    action_type = fields.TextField()
    reason = fields.TextField(null=True)
    duration = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    # Per-guild sequential case number (1, 2, ...); NULL only on rows older than cases.
    case_number = fields.IntField(null=True)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="Permanent audit trail of every moderation action (kick, ban, mute, ...).",
        grows="Every moderation action; grows forever by design.",
        cleaned="Never: append-only, not even on guild removal.",
        owner="moderation",
        retention="Forever.",
    )

    class Meta:
        table = "mod_actions"
        indexes = (Index(fields=("guild_id", "created_at"), name="idx_mod_actions_guild"),)
        unique_together = (("guild_id", "case_number"),)


class ModActionAmendment(Model):
    """A later note on a case: cases are amended by appending, never rewritten."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    case_number = fields.IntField()
    moderator_id = fields.BigIntField()
    reason = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A moderator's amended reason for one case of the moderation log.",
        grows="Every /reason.",
        cleaned="Never: append-only like mod_actions.",
        owner="moderation",
        retention="Forever.",
    )

    class Meta:
        table = "mod_action_amendments"
        indexes = (
            Index(fields=("guild_id", "case_number"), name="idx_mod_amendments_case"),
        )


class TempPunishment(TimerColumns):
    """A mute or ban that is still running and must be lifted at ``expires_at``."""

    id = fields.IntField(primary_key=True)
    user_id = fields.BigIntField()
    guild_id = fields.BigIntField()
    punishment_type = fields.TextField()
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A temporary mute or ban that is currently in force.",
        grows="Every /tempban or timed /mute.",
        cleaned="Removed once the unban/unmute succeeded (or became moot), or on early lift.",
        owner="moderation",
        retention="Only active punishments; the table stays small.",
    )

    class Meta:
        table = "temp_punishments"
        unique_together = (("user_id", "guild_id", "punishment_type"),)
        indexes = (Index(fields=("expires_at",), name="idx_temp_punishments_expires"),)


class ModerationGuildSettings(Model):
    """A guild's own warning expiry and escalation thresholds (see ``rules.py``)."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    warning_expiry_days = fields.IntField()
    escalate_mute_at = fields.IntField()
    escalate_mute_minutes = fields.IntField()
    escalate_kick_at = fields.IntField()
    escalate_ban_at = fields.IntField()
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One guild's warning expiry and escalation steps, when an admin set them "
                   "(otherwise [plugins.moderation] applies).",
        grows="One row per guild whose admins changed these settings.",
        cleaned="Deleted with the guild's data when the bot is removed (guild purge).",
        owner="moderation",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "moderation_settings"
