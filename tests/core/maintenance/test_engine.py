"""The maintenance engine on both engines: schedules, restarts, dry runs, the leader loop."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.db.models import MaintenanceRun
from core.leader.fencing import current_epoch, fenced
from core.maintenance.engine import UnknownJobError
from core.maintenance.schedule import RETRY_AFTER
from core.plugins.contracts import RetentionKind, RetentionPolicy, Schedule
from core.plugins.hookspecs import hookimpl
from plugins.analytics.models import CommandStat
from tests.core.maintenance.maintenance_support import (
    DAY,
    SUNDAY,
    engine_for,
    seed_boundaries,
    snapshot,
    term,
)

DAILY = {"reminders.completed.delete", "moderation.warnings.expire",
         "economy.transactions.archive", "core.maintenance_runs.delete",
         "core.web_sessions.delete", "core.db_care"}
WEEKLY = {"analytics.command_stats.rollup", "analytics.command_stats.delete",
          "moderation.warnings.delete", "core.integrity", "core.rank_counts"}
HOURLY = {"core.purge_departed_guilds"}
ALL = DAILY | WEEKLY | HOURLY


async def _runs() -> list[str]:
    return await MaintenanceRun.exclude(job="old.job").order_by("id").values_list(
        "job", flat=True)


async def test_jobs_run_at_the_hour_once_per_window_and_weekly_on_the_day(guildhall_db) -> None:
    reports = await engine_for(guildhall_db).run_due_jobs(SUNDAY)
    assert {r.name for r in reports} == ALL and all(r.ok for r in reports)

    restarted = engine_for(guildhall_db)  # a new process: it only has the database
    later = await restarted.run_due_jobs(SUNDAY + timedelta(hours=23))
    assert {r.name for r in later} == HOURLY
    monday_early = SUNDAY + timedelta(days=1) - timedelta(minutes=5)
    assert await restarted.run_due_jobs(monday_early) == []  # same hour: nothing new
    monday = await restarted.run_due_jobs(SUNDAY + timedelta(days=1))
    assert {r.name for r in monday} == DAILY | HOURLY  # weekly jobs wait for Sunday
    next_sunday = await restarted.run_due_jobs(SUNDAY + timedelta(days=7))
    assert {r.name for r in next_sunday} == ALL
    assert len(await _runs()) == 2 * len(ALL) + len(DAILY | HOURLY) + len(HOURLY)


async def test_a_window_missed_while_down_is_caught_up_after_restart(guildhall_db) -> None:
    engine = engine_for(guildhall_db)
    await engine.run_due_jobs(SUNDAY)
    # no leader from Monday 03:00 to Monday 09:00: the Monday window runs when one is back
    late = await engine_for(guildhall_db).run_due_jobs(SUNDAY + timedelta(days=1, hours=5))
    assert {r.name for r in late} == DAILY | HOURLY


async def test_dry_run_reports_counts_and_changes_nothing(guildhall_db) -> None:
    await seed_boundaries(SUNDAY)
    before = await snapshot()
    reports = await engine_for(guildhall_db).run_jobs(dry_run=True, now=SUNDAY)
    rows = {r.name: r.rows for r in reports}
    assert all(r.ok and r.dry_run for r in reports)
    assert rows["moderation.warnings.expire"] == 4  # 90 and 365 days back, one second past
    assert rows["moderation.warnings.delete"] == 1
    assert rows["economy.transactions.archive"] == 4
    assert rows["reminders.completed.delete"] == 1
    assert rows["core.maintenance_runs.delete"] == 1
    assert rows["analytics.command_stats.delete"] == 1  # whole weeks only: 120 days
    assert await snapshot() == before


async def test_unknown_job_is_a_clear_error_listing_the_jobs(guildhall_db) -> None:
    engine = engine_for(guildhall_db)
    with pytest.raises(UnknownJobError, match=r"unknown maintenance job\(s\): nope; known jobs: "
                       r".*economy\.transactions\.archive"):
        await engine.run_jobs(["nope"])
    assert await MaintenanceRun.all().count() == 0


async def test_a_job_brings_the_jobs_it_runs_after(guildhall_db) -> None:
    names = [j.name for j in engine_for(guildhall_db).select(["analytics.command_stats.delete"])]
    assert names == ["analytics.command_stats.rollup", "analytics.command_stats.delete"]


class _Flaky:
    """A test plugin whose rollup fails until ``healed``; a delete runs after it."""

    def __init__(self) -> None:
        self.healed = False
        self.calls = 0

    async def _rollup(self, ctx) -> int:
        self.calls += 1
        if not self.healed:
            raise RuntimeError("rollup broke")
        return 1

    @hookimpl
    def guildhall_retention_policies(self) -> list[RetentionPolicy]:
        return [
            RetentionPolicy("flaky.rollup", RetentionKind.ROLLUP, CommandStat,
                            Schedule.DAILY, rollup=self._rollup),
            RetentionPolicy("flaky.delete", RetentionKind.DELETE, CommandStat, Schedule.DAILY,
                            age_column="executed_at", older_than=timedelta(days=1),
                            after=("flaky.rollup",)),
        ]


async def test_failed_job_is_retried_later_and_blocks_what_runs_after_it(guildhall_db) -> None:
    flaky = _Flaky()
    guildhall_db.plugins.register("flaky", flaky)
    await CommandStat.create(command_name="x", guild_id=1, user_id=1,
                             executed_at=SUNDAY - 3 * DAY)
    engine = engine_for(guildhall_db)
    first = {r.name: r for r in await engine.run_due_jobs(SUNDAY)}
    assert not first["flaky.rollup"].ok and "rollup broke" in first["flaky.rollup"].detail
    assert "flaky.delete" not in first and await CommandStat.all().count() == 1
    soon = await engine.run_due_jobs(SUNDAY + RETRY_AFTER - timedelta(minutes=1))
    assert soon == [] and flaky.calls == 1
    flaky.healed = True
    later = {r.name: r for r in await engine.run_due_jobs(SUNDAY + RETRY_AFTER * 2)}
    assert set(later) == {"flaky.rollup", "flaky.delete"} and later["flaky.delete"].rows == 1
    failed = await MaintenanceRun.get(job="flaky.rollup", ok=False)
    assert failed.finished_at is not None and "RuntimeError" in failed.detail


async def test_leader_loop_runs_due_jobs_fenced_and_stops_when_the_term_is_lost(
    guildhall_db,
) -> None:
    leader = term(6)
    engine = engine_for(guildhall_db)
    task = asyncio.create_task(engine.run(leader, now=lambda: SUNDAY))
    for _ in range(500):
        if len(await _runs()) >= len(ALL):
            break
        await asyncio.sleep(0.02)
    assert set(await _runs()) == ALL
    assert await current_epoch() == 6  # its writes went through the fence
    leader.lost.set()
    await asyncio.wait_for(task, timeout=10)
    assert len(await _runs()) == len(ALL)  # once, not in a loop


async def test_leader_loop_returns_when_a_newer_epoch_has_written(guildhall_db) -> None:
    await seed_boundaries(SUNDAY)
    async with fenced(8, "newer"):
        pass
    before = await snapshot()
    stale = term(2)
    await asyncio.wait_for(engine_for(guildhall_db).run(stale, now=lambda: SUNDAY), timeout=30)
    after = await snapshot()
    assert stale.lost.is_set()
    assert after["warnings"] == before["warnings"]
    assert after["transactions"] == before["transactions"]
    assert after["command_stats_weekly"] == before["command_stats_weekly"]
