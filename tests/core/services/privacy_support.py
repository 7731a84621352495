"""Rows in every table that holds a guild's or a user's data (privacy and purge tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tortoise import Tortoise
from tortoise.models import Model

from core.db.models import (
    GuildConfig,
    GuildDeparture,
    GuildMember,
    GuildPluginSwitch,
    SettingsAudit,
    User,
    WebSession,
)
from plugins.analytics.models import CommandStat, CommandStatWeekly
from plugins.customcmds.models import CustomCommand
from plugins.economy.models import (
    EconomyGuildSettings,
    ShopItem,
    Transaction,
    TransactionArchive,
)
from plugins.leveling.models import (
    GlobalBoardOptOut,
    LevelExclusion,
    LevelReward,
    LevelSettings,
    XpAdjustment,
)
from plugins.moderation.models import (
    ModAction,
    ModActionAmendment,
    ModerationGuildSettings,
    TempPunishment,
    Warning,
)
from plugins.reminders.models import Reminder, UserTimezone
from plugins.welcome.models import WelcomeSettings

# The only guild rows a purge keeps: the append-only moderation log (database triggers
# refuse DELETE); see docs/privacy.md.
KEPT_ON_PURGE = {"mod_actions", "mod_action_amendments"}


def guild_tables() -> dict[str, type[Model]]:
    """Every table of every loaded app that has a ``guild_id`` column, by table name."""
    found = {}
    for app in Tortoise.apps.values():
        for model in app.values():
            if "guild_id" in model._meta.fields_db_projection.values():
                found[model._meta.db_table] = model
    return found


async def seed_guild(guild_id: int, user_id: int, other_id: int) -> set[str]:
    """One row or more in every guild-scoped table; return the tables written."""
    now = datetime.now(UTC)
    await User.get_or_create(user_id=user_id, defaults={"username": "alice"})
    rows: list[Model] = [
        (await GuildConfig.get_or_create(guild_id=guild_id))[0],  # the bot may have it
        await GuildMember.create(user_id=user_id, guild_id=guild_id, xp=50, coins=5),
        await GuildPluginSwitch.create(guild_id=guild_id, plugin="economy", enabled=False),
        await SettingsAudit.create(guild_id=guild_id, actor_id=other_id, source="slash",
                                   setting="prefix", before='"!"', after='"?"'),
        await GuildDeparture.create(guild_id=guild_id, left_at=now, purge_after=now),
        await LevelSettings.create(guild_id=guild_id),
        await LevelReward.create(guild_id=guild_id, level=5, role_id=9),
        await LevelExclusion.create(guild_id=guild_id, target_id=8, kind="channel"),
        await XpAdjustment.create(guild_id=guild_id, admin_id=other_id, member_id=user_id,
                                  delta=50, xp_after=50),
        await Transaction.create(user_id=user_id, guild_id=guild_id, amount=3,
                                 transaction_type="daily"),
        await TransactionArchive.create(id=guild_id % 100_000, user_id=user_id,
                                        guild_id=guild_id, amount=2,
                                        transaction_type="daily", created_at=now),
        await ShopItem.create(guild_id=guild_id, name="VIP", price=10, created_by=other_id),
        await EconomyGuildSettings.create(guild_id=guild_id, daily_amount=5, work_min=1,
                                          work_max=2, gamble_max_bet=10),
        await Warning.create(user_id=user_id, guild_id=guild_id, moderator_id=other_id),
        await ModAction.create(guild_id=guild_id, moderator_id=other_id, target_id=user_id,
                               action_type="warn", case_number=1),
        await ModActionAmendment.create(guild_id=guild_id, case_number=1,
                                        moderator_id=other_id, reason="spam"),
        await TempPunishment.create(user_id=user_id, guild_id=guild_id,
                                    punishment_type="mute",
                                    expires_at=now + timedelta(hours=1)),
        await ModerationGuildSettings.create(
            guild_id=guild_id, warning_expiry_days=30, escalate_mute_at=0,
            escalate_mute_minutes=60, escalate_kick_at=0, escalate_ban_at=3),
        await Reminder.create(user_id=user_id, channel_id=7, guild_id=guild_id,
                              message="tea", remind_at=now + timedelta(hours=1)),
        await CustomCommand.create(guild_id=guild_id, command_name="hi", response="hello",
                                   creator_id=other_id),
        await CommandStat.create(command_name="ping", guild_id=guild_id, user_id=user_id),
        await CommandStatWeekly.create(week_start=date(2026, 11, 16), guild_id=guild_id,
                                       command_name="ping", uses=3, unique_users=1),
        await WelcomeSettings.create(guild_id=guild_id, template="Hi {user}", set_by=other_id),
    ]
    # the member's rank counts (guild_xp_buckets) are written by triggers with its row
    return {row._meta.db_table for row in rows} | {"guild_xp_buckets"}


async def seed_user_extras(user_id: int) -> None:
    """User rows that belong to no guild: time zone, dashboard login, global board opt-out."""
    await UserTimezone.create(user_id=user_id, timezone="Europe/Berlin")
    await GlobalBoardOptOut.create(user_id=user_id)
    await WebSession.create(id=f"s{user_id}", user_id=user_id, username="alice",
                            csrf_token="csrf",
                            expires_at=datetime.now(UTC) + timedelta(days=1))


async def guild_counts(guild_id: int) -> dict[str, int]:
    """Rows per guild-scoped table for ``guild_id``."""
    return {
        table: await model.filter(guild_id=guild_id).count()
        for table, model in sorted(guild_tables().items())
    }
