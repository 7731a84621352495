"""Helpers for the maintenance tests: engines with overridden settings, dated rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from core.leader.election import Term
from core.maintenance.engine import MaintenanceEngine
from core.runtime.assembly import Runtime
from plugins.economy.models import Transaction, TransactionArchive

# A Sunday (the default weekly_day), 30 seconds after the default daily_hour_utc (4).
SUNDAY = datetime(2026, 3, 1, 4, 0, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def engine_for(runtime: Runtime, **maintenance: Any) -> MaintenanceEngine:
    """An engine whose ``[maintenance]`` settings are overridden by ``maintenance``."""
    section = runtime.settings.maintenance.model_copy(update=maintenance)
    settings = runtime.settings.model_copy(update={"maintenance": section})
    return MaintenanceEngine(settings, runtime.plugins)


def term(epoch: int = 1) -> Term:
    """A valid leader term for ``epoch`` (as the elector hands it out)."""
    return Term(epoch=epoch, identity=f"test-{epoch}", valid_until=time.monotonic() + 3600)


async def add_transactions(count: int, created_at: datetime, user_id: int = 1,
                           guild_id: int = 10, amount: int = 1) -> None:
    """``count`` transactions dated ``created_at`` (bulk, batches of 1000)."""
    await Transaction.bulk_create(
        [
            Transaction(user_id=user_id, guild_id=guild_id, amount=amount + i % 7,
                        transaction_type="work", description=f"tx {i}", created_at=created_at)
            for i in range(count)
        ],
        batch_size=1000,
    )


def _row(tx: Any) -> tuple:
    return (tx.id, tx.user_id, tx.guild_id, tx.amount, tx.transaction_type, tx.description,
            tx.created_at)


async def transaction_rows() -> tuple[dict[int, tuple], dict[int, tuple]]:
    """``(hot, archived)``: every transaction row by id, as comparable tuples."""
    hot = {t.id: _row(t) for t in await Transaction.all()}
    cold = {t.id: _row(t) for t in await TransactionArchive.all()}
    return hot, cold


SECOND = timedelta(seconds=1)


def around(cutoff: datetime) -> list[datetime]:
    """Just before, exactly at, and just after ``cutoff``: only the first is past it."""
    return [cutoff - SECOND, cutoff, cutoff + SECOND]


async def seed_boundaries(now: datetime) -> None:
    """Rows around every seed job's default cutoff (for dry-run and schedule tests)."""
    from core.db.models import MaintenanceRun
    from plugins.analytics.models import CommandStat
    from plugins.moderation.models import Warning
    from plugins.reminders.models import Reminder

    for moment in around(now - 90 * DAY) + around(now - 365 * DAY):
        await Warning.create(user_id=1, guild_id=10, moderator_id=2, reason="r",
                             created_at=moment)
        await Transaction.create(user_id=1, guild_id=10, amount=5, transaction_type="work",
                                 created_at=moment)
    for moment in around(now - 30 * DAY):
        await Reminder.create(user_id=1, channel_id=5, message="m", remind_at=moment,
                              completed=True)
        await Reminder.create(user_id=1, channel_id=5, message="m", remind_at=moment)
    for moment in around(now - 180 * DAY):
        await MaintenanceRun.create(job="old.job", started_at=moment, ok=True)
    # 90 days + 1 hour is past the raw cutoff but in the week the floored cutoff starts
    for age in (120 * DAY, 90 * DAY + timedelta(hours=1), 20 * DAY, 3 * DAY):
        await CommandStat.create(command_name="help", guild_id=10, user_id=1,
                                 executed_at=now - age)


async def snapshot() -> dict[str, list[dict]]:
    """Every row of every table the jobs touch, for before/after comparison."""
    from core.db.models import GuildMember, MaintenanceRun, User
    from plugins.analytics.models import CommandStat, CommandStatWeekly
    from plugins.moderation.models import ModAction, TempPunishment, Warning
    from plugins.reminders.models import Reminder

    models = (User, GuildMember, MaintenanceRun, CommandStat, CommandStatWeekly, ModAction,
              TempPunishment, Warning, Reminder, Transaction, TransactionArchive)
    return {m._meta.db_table: await m.all().order_by(m._meta.pk_attr).values() for m in models}


async def plant_orphan_member(user_id: int, guild_id: int) -> None:
    """A ``guild_members`` row whose user does not exist (foreign keys bypassed)."""
    from tortoise import connections
    from tortoise.transactions import in_transaction

    from core.db.database import dialect
    from core.services import xp_ranks

    insert = 'INSERT INTO "guild_members" ("user_id", "guild_id") VALUES ({0}, {1})'
    if dialect() == "sqlite":
        client = connections.get("default")
        await client.execute_script("PRAGMA foreign_keys = OFF")
        try:
            await client.execute_query(insert.format("?", "?"), [user_id, guild_id])
        finally:
            await client.execute_script("PRAGMA foreign_keys = ON")
        return
    async with in_transaction("default") as conn:
        await conn.execute_script("SET LOCAL session_replication_role = replica")
        await conn.execute_query(insert.format("$1", "$2"), [user_id, guild_id])
        # replica mode skipped the rank-count triggers too: count the row as they would
        await xp_ranks.rebuild(conn, guild_id)
