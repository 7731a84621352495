"""``top_commands`` over any period: the same totals before and after raw rows are gone."""

from __future__ import annotations

from datetime import timedelta

from plugins.analytics import service
from plugins.analytics.models import CommandStat
from tests.core.maintenance.maintenance_support import SUNDAY, engine_for

WEEK_A = SUNDAY.replace(day=9, month=2, hour=0, minute=0, second=0)  # Monday 2026-02-09
WEEK_B = WEEK_A + timedelta(days=7)
CURRENT = WEEK_B + timedelta(days=7)


async def _plant() -> None:
    uses = [("help", 10, WEEK_A + timedelta(hours=h)) for h in (1, 2, 3)]
    uses += [("help", 10, WEEK_B + timedelta(days=1)), ("ban", 10, WEEK_B + timedelta(days=1)),
             ("ban", 10, WEEK_B + timedelta(days=2)), ("ping", 10, CURRENT + timedelta(hours=1)),
             ("help", 20, WEEK_A + timedelta(hours=1))]
    for name, guild, when in uses:
        await CommandStat.create(command_name=name, guild_id=guild, user_id=1, executed_at=when)


async def test_periods_combine_raw_rows_and_weekly_rollups(guildhall_db) -> None:
    await _plant()
    month = [("help", 4), ("ban", 2), ("ping", 1)]
    assert await service.top_commands(10, 30, now=SUNDAY) == month
    # retention 7 days: cutoff 2026-02-22 04:00 floored to Monday 02-16 -> week A goes
    engine = engine_for(guildhall_db, command_stats_retention_days=7)
    await engine.run_jobs(["analytics.command_stats.rollup", "analytics.command_stats.delete"],
                          now=SUNDAY)
    assert await CommandStat.filter(executed_at__lt=WEEK_B).count() == 0
    assert await service.raw_start() == WEEK_B
    assert await service.top_commands(10, 30, now=SUNDAY) == month
    assert await service.top_commands(20, 365, now=SUNDAY) == [("help", 1)]
    assert await service.top_commands(10, 7, now=SUNDAY) == [("ping", 1)]
    assert await service.top_commands(10, 30, now=SUNDAY, limit=1) == [("help", 4)]
    assert await service.top_commands(99, 30, now=SUNDAY) == []


async def test_only_rollups_left(guildhall_db) -> None:
    await _plant()
    engine = engine_for(guildhall_db, command_stats_retention_days=7)
    await engine.run_jobs(["analytics.command_stats.rollup"], now=SUNDAY)
    await CommandStat.all().delete()  # as if every raw row had aged out
    assert await service.raw_start() is None
    later = SUNDAY + timedelta(days=60)
    assert await service.top_commands(10, 365, now=later) == [("help", 4), ("ban", 2)]


async def test_user_summary(guildhall_db) -> None:
    await _plant()
    assert await service.user_summary(10, 1, limit=2) == (7, [("help", 4), ("ban", 2)])
    assert await service.user_summary(10, 2) == (0, [])
