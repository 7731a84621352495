"""Guilds becoming available at start-up read the pending departures once, not per guild."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from core.db.models import GuildDeparture
from core.services.guild_purge import GuildDepartures
from core.testing.bot_fixtures import eventually
from tests.bench.common import StatementCounter
from tests.helpers import refuse_writes


async def test_many_guilds_available_at_once_cost_one_read(guildhall_db) -> None:
    now = datetime.now(UTC)
    await GuildDeparture.create(guild_id=7, left_at=now, purge_after=now + timedelta(hours=1))
    departures = GuildDepartures(grace_hours=1)
    with StatementCounter().active() as counter:
        cancelled = await asyncio.gather(
            *(departures.returned(g, joined=False) for g in range(1, 201)))
    assert [g for g, c in zip(range(1, 201), cancelled, strict=True) if c] == [7]
    reads = sum(n for sql, n in counter.by_sql.items() if "guild_departures" in sql
                and sql.startswith("SELECT"))
    assert reads == 1
    assert await GuildDeparture.all().count() == 0


async def test_a_refused_cancellation_is_retried_until_the_data_is_safe(
    guildhall_db, guildhall_engine: str
) -> None:
    """Rejoined while the database refuses writes: the purge is cancelled once it accepts."""
    now = datetime.now(UTC)
    await GuildDeparture.create(guild_id=8, left_at=now, purge_after=now + timedelta(hours=1))
    departures = GuildDepartures(grace_hours=1)
    departures.retry_first_seconds = 0.1
    await refuse_deletes(guildhall_engine, True)
    try:
        await departures.returned_or_retry(8, joined=True)  # no exception for the caller
        await asyncio.sleep(0.3)  # a retry or two, still refused
        assert await GuildDeparture.filter(guild_id=8).count() == 1
    finally:
        await refuse_deletes(guildhall_engine, False)

    async def cancelled() -> bool:
        return await GuildDeparture.filter(guild_id=8).count() == 0

    await eventually(cancelled, timeout=5, message="the pending purge is cancelled")
    departures.stop()


async def refuse_deletes(engine: str, refuse: bool) -> None:
    """SQLite read-only (``query_only``); on PostgreSQL a trigger answering SQLSTATE 25006."""
    await refuse_writes(engine, refuse, "guild_departures", "DELETE")
