"""Weekly command-stats rollup on both engines: exact, idempotent, raw rows leave by week."""

from __future__ import annotations

from datetime import date, timedelta

from plugins.analytics.models import CommandStat, CommandStatWeekly
from tests.core.maintenance.maintenance_support import SUNDAY, engine_for

# SUNDAY is 2026-03-01; its ISO week started Monday 2026-02-23 (not complete: not rolled up).
WEEK_A = SUNDAY.replace(day=9, month=2, hour=0, minute=0, second=0)  # Monday 2026-02-09
WEEK_B = WEEK_A + timedelta(days=7)
CURRENT = WEEK_B + timedelta(days=7)
ROLLUP, DELETE = "analytics.command_stats.rollup", "analytics.command_stats.delete"


async def _use(command: str, guild: int | None, user: int, when) -> None:
    await CommandStat.create(command_name=command, guild_id=guild, user_id=user,
                             executed_at=when)


async def _plant() -> None:
    for user in (1, 1, 2, 3):
        await _use("help", 10, user, WEEK_A + timedelta(hours=user))
    await _use("help", 10, 9, WEEK_B - timedelta(seconds=1))  # last second of week A
    await _use("ban", 10, 1, WEEK_B)  # first second of week B
    await _use("help", 20, 1, WEEK_B + timedelta(days=3))
    await _use("ping", None, 4, WEEK_B + timedelta(days=1))  # a DM command: no guild
    await _use("ping", None, 4, WEEK_B + timedelta(days=2))
    await _use("help", 10, 1, CURRENT + timedelta(hours=1))  # the current week


async def _weekly() -> set[tuple]:
    rows = await CommandStatWeekly.all().values_list(
        "week_start", "guild_id", "command_name", "uses", "unique_users")
    return set(rows)


async def test_rollup_is_exact_and_idempotent(guildhall_db) -> None:
    await _plant()
    engine = engine_for(guildhall_db)
    first = await engine.run_jobs([ROLLUP], now=SUNDAY)
    expected = {
        (date(2026, 2, 9), 10, "help", 5, 4),
        (date(2026, 2, 16), 10, "ban", 1, 1),
        (date(2026, 2, 16), 20, "help", 1, 1),
        (date(2026, 2, 16), None, "ping", 2, 1),
    }
    assert await _weekly() == expected and first[0].rows == 4
    second = await engine.run_jobs([ROLLUP], now=SUNDAY)
    assert await _weekly() == expected and second[0].rows == 4
    assert await CommandStatWeekly.all().count() == 4  # no duplicate NULL-guild rows
    assert await CommandStat.all().count() == 10  # the rollup deletes nothing


async def test_raw_rows_are_deleted_in_whole_weeks_after_the_rollup(guildhall_db) -> None:
    await _plant()
    # retention 14 days: raw cutoff Sunday 2026-02-15 04:00 -> floored to Monday 02-09
    engine = engine_for(guildhall_db, command_stats_retention_days=14)
    reports = {r.name: r for r in await engine.run_jobs([DELETE], now=SUNDAY)}
    assert list(reports) == [ROLLUP, DELETE]  # the rollup comes along and runs first
    assert reports[DELETE].rows == 0  # week A is newer than 02-09: nothing yet
    later = SUNDAY + timedelta(days=7)
    reports = {r.name: r for r in await engine.run_jobs([DELETE], now=later)}
    assert reports[DELETE].rows == 5  # all of week A, none of week B
    assert await CommandStat.filter(executed_at__lt=WEEK_B).count() == 0
    assert await CommandStat.filter(executed_at__gte=WEEK_B).count() == 5
    assert (date(2026, 2, 9), 10, "help", 5, 4) in await _weekly()  # the summary stays
    await engine.run_jobs([ROLLUP], now=later)  # rolling up again keeps it exact
    assert (date(2026, 2, 9), 10, "help", 5, 4) in await _weekly()


async def test_dry_run_rollup_counts_without_writing(guildhall_db) -> None:
    await _plant()
    [report] = await engine_for(guildhall_db).run_jobs([ROLLUP], dry_run=True, now=SUNDAY)
    assert report.ok and report.rows == 4
    assert await CommandStatWeekly.all().count() == 0
