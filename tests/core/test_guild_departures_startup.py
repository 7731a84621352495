"""Guilds becoming available at start-up read the pending departures once, not per guild."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from core.guild_purge import GuildDepartures
from core.models import GuildDeparture
from tests.bench.common import StatementCounter


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
