"""Core tables: ``users``, ``guild_members`` and ``guild_config``.

Core owns these tables. Leveling and economy change their columns of ``guild_members``
only through core services; nothing else writes here directly.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.lifecycle import Lifecycle


class User(Model):
    """A Discord user the bot has seen in any guild (the global registry)."""

    user_id = fields.BigIntField(primary_key=True, generated=False)
    username = fields.TextField()
    global_xp = fields.IntField(default=0, db_default=0)
    global_level = fields.IntField(default=1, db_default=1)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    last_seen = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The bot's knowledge of one Discord user across all guilds, with global XP.",
        grows="On a user's first interaction with the bot in any guild.",
        cleaned="Never automatically; only on the user's own data-deletion request.",
        owner="core",
        retention="Kept while the user exists; deleted on request (users.delete hook fan-out).",
    )

    class Meta:
        table = "users"


class GuildMember(Model):
    """One user's progression and balance inside one guild."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="memberships", on_delete=fields.CASCADE
    )
    user_id: int
    guild_id = fields.BigIntField()
    xp = fields.IntField(default=0, db_default=0)
    level = fields.IntField(default=1, db_default=1)
    coins = fields.IntField(default=0, db_default=0)
    joined_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A user's XP, level and coins in one guild.",
        grows="When a user first interacts in a guild (not when they join).",
        cleaned="Deleted with the guild when the bot is removed; cascades from users.",
        owner="core (xp/level via leveling service, coins via economy service)",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "guild_members"
        unique_together = (("user_id", "guild_id"),)
        indexes = (
            Index(fields=("guild_id",), name="idx_guild_members_guild"),
            Index(fields=("user_id",), name="idx_guild_members_user"),
            # leaderboards and /rank positions: top-N and COUNT(xp > ?) within a guild
            Index(fields=("guild_id", "xp"), name="idx_guild_members_guild_xp"),
            Index(fields=("guild_id", "coins"), name="idx_guild_members_guild_coins"),
        )


class LeaderFence(Model):
    """The highest leader epoch that has written; older epochs are rejected (fencing)."""

    name = fields.CharField(max_length=64, primary_key=True)
    epoch = fields.BigIntField(default=0, db_default=0)
    holder = fields.TextField(null=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The fencing record of the leader lease: the newest epoch that acted.",
        grows="One row per lease name; updated by every fenced leader write.",
        cleaned="Never (a handful of rows).",
        owner="core",
        retention="Forever.",
    )

    class Meta:
        table = "leader_fence"


class MaintenanceRun(Model):
    """One run of one maintenance job (or backup), for reports, metrics and alerts."""

    id = fields.IntField(primary_key=True)
    job = fields.CharField(max_length=100)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    ok = fields.BooleanField(default=False, db_default=False)
    rows = fields.BigIntField(default=0, db_default=0)
    detail = fields.TextField(null=True)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The outcome of one maintenance job or backup run.",
        grows="Every scheduled or manual maintenance job run.",
        cleaned="Rows older than 180 days are deleted by the maintenance engine.",
        owner="core",
        retention="180 days.",
    )

    class Meta:
        table = "maintenance_runs"
        indexes = (Index(fields=("job", "started_at"), name="idx_maintenance_runs_job"),)


class GuildConfig(Model):
    """Per-guild settings: one row per guild the bot is in."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    prefix = fields.TextField(default="!", db_default="!")
    welcome_channel_id = fields.BigIntField(null=True)
    log_channel_id = fields.BigIntField(null=True)
    mute_role_id = fields.BigIntField(null=True)
    auto_role_id = fields.BigIntField(null=True)
    xp_enabled = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="How the bot behaves in one guild (prefix, channels, roles, toggles).",
        grows="One row when the bot joins a guild.",
        cleaned="Deleted immediately when the bot is removed from the guild.",
        owner="core",
        retention="Exactly one row per guild the bot is in.",
    )

    class Meta:
        table = "guild_config"
