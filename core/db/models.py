"""Core tables: users, members, guild settings, and the platform's own bookkeeping.

``users``, ``guild_members`` and ``guild_config`` come from the seed; ``guild_plugins``
(per-guild plugin switches), ``guild_departures`` (purge grace after the bot is removed),
``settings_audit`` (who changed which setting) and ``web_sessions`` (dashboard logins)
are the platform's.

Core owns these tables. Leveling and economy change their columns of ``guild_members``
only through core services; nothing else writes here directly.
"""

from __future__ import annotations

from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from core.db.lifecycle import Lifecycle


class User(Model):
    """A Discord user the bot has seen in any guild (the global registry)."""

    user_id = fields.BigIntField(primary_key=True, generated=False)
    username = fields.TextField()
    display_name = fields.TextField(null=True)  # Discord's display (global) name, if set
    avatar = fields.TextField(null=True)  # avatar hash on Discord's CDN; NULL: default avatar
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
            # leaderboards and /rank positions: top-N, COUNT(xp > ?) within a guild, and ties
            # and page skips read from the index alone (migration 8 makes it xp DESC: the
            # board's own order, which aerich cannot write)
            Index(fields=("guild_id", "xp", "user_id"), name="idx_guild_members_guild_xp"),
            Index(fields=("guild_id", "coins"), name="idx_guild_members_guild_coins"),
        )


class GuildXpBucket(Model):
    """How many members of a guild hold XP in one range: the counts behind ranks and page jumps.

    Kept by database triggers on ``guild_members`` (every insert, XP change and delete, in
    the writing statement's own transaction); ``core.services.xp_ranks`` defines the ranges.
    """

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    tier = fields.SmallIntField()  # 0: a fine range of XP; 1: 64 consecutive fine ranges
    bucket = fields.IntField()
    members = fields.IntField(default=0, db_default=0)

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="The number of a guild's members whose XP falls in one range (no user ids).",
        grows="When a member's XP first enters a range (at most a few thousand rows per guild).",
        cleaned="Follows guild_members through triggers; deleted with the guild.",
        owner="core (triggers on guild_members; read by core.services.xp_ranks)",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "guild_xp_buckets"
        unique_together = (("guild_id", "tier", "bucket"),)


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
    # not in the seed: the dashboard's public leaderboard/stats pages (off until turned on)
    public_pages = fields.BooleanField(default=False, db_default=False)
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


class GuildPluginSwitch(Model):
    """A guild's explicit choice to enable or disable one plugin (absent row = enabled)."""

    id = fields.IntField(primary_key=True)
    guild_id = fields.BigIntField()
    plugin = fields.CharField(max_length=64)
    enabled = fields.BooleanField(default=True, db_default=True)
    updated_by = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="Whether one plugin's commands and listeners run in one guild.",
        grows="When a guild manager enables or disables a plugin (/plugins or dashboard).",
        cleaned="Deleted with the guild's data when the bot is removed (guild purge).",
        owner="core",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "guild_plugins"
        unique_together = (("guild_id", "plugin"),)


class GuildDeparture(Model):
    """The bot left a guild: its data is purged at ``purge_after`` unless it comes back."""

    guild_id = fields.BigIntField(primary_key=True, generated=False)
    left_at = fields.DatetimeField()
    purge_after = fields.DatetimeField()

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A guild the bot was removed from whose data waits out the grace period.",
        grows="When the bot is removed from a guild and a purge grace period is configured.",
        cleaned="Deleted when the guild's data is purged, or when the bot is re-added.",
        owner="core",
        retention="Until the purge (privacy.guild_purge_grace_hours after leaving).",
    )

    class Meta:
        table = "guild_departures"
        indexes = (Index(fields=("purge_after",), name="idx_guild_departures_due"),)


class SettingsAudit(Model):
    """One change of a guild setting: who, from where, what, before and after."""

    id = fields.BigIntField(primary_key=True)
    guild_id = fields.BigIntField()
    actor_id = fields.BigIntField()
    source = fields.CharField(max_length=16)
    setting = fields.CharField(max_length=100)
    before = fields.TextField(null=True)
    after = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="An audit record of one settings change (slash command or dashboard).",
        grows="Every change of a guild setting, plugin switch or custom command by an admin.",
        cleaned="Deleted with the guild's data when the bot is removed (guild purge).",
        owner="core",
        retention="Kept while the guild keeps the bot.",
    )

    class Meta:
        table = "settings_audit"
        indexes = (Index(fields=("guild_id", "created_at"), name="idx_settings_audit_guild"),)


class WebSession(Model):
    """A dashboard login: cookie hash, Discord user, servers they managed at login (no token)."""

    id = fields.CharField(max_length=64, primary_key=True)
    user_id = fields.BigIntField()
    username = fields.TextField()
    manageable_guilds = fields.TextField(default="[]")  # JSON [[id, name], ...] at login
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True, db_default=fields.Now())
    expires_at = fields.DatetimeField()

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="One logged-in dashboard session (the cookie holds only a random token).",
        grows="Each Discord login to the web dashboard.",
        cleaned="Deleted on logout; expired rows deleted by the maintenance engine.",
        owner="core (web dashboard)",
        retention="Until expires_at (web.session_days).",
    )

    class Meta:
        table = "web_sessions"
        indexes = (
            Index(fields=("expires_at",), name="idx_web_sessions_expires"),
            Index(fields=("user_id",), name="idx_web_sessions_user"),
        )


class UserDeletion(Model):
    """A user who deleted their data (a privacy request): the fence buffered writes obey.

    Worker buffers (XP, activity, command statistics) drop what they recorded for this user
    before ``deleted_at`` instead of writing it (``core.services.user_fence``).
    """

    user_id = fields.BigIntField(primary_key=True, generated=False)
    deleted_at = fields.DatetimeField()

    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle(
        represents="A recent /privacy delete: buffered data recorded earlier is not written.",
        grows="One row per data deletion request (a new request moves its time).",
        cleaned="Rows older than 7 days are deleted whenever a deletion is recorded.",
        owner="core (privacy)",
        retention="7 days (longer than any buffer holds data).",
    )

    class Meta:
        table = "user_deletions"
