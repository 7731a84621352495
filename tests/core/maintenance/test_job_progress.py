"""A maintenance job reports its progress: rows done (increasing), the total, rate and ETA;
the leader's runs log it."""

from __future__ import annotations

import logging

import pytest

from core.runtime.progress import Progress, ProgressEvent
from tests.core.maintenance.maintenance_support import (
    DAY,
    SUNDAY,
    add_transactions,
    engine_for,
)

ARCHIVE = "economy.transactions.archive"


class StepClock:
    """A clock that moves one second each time it is read (a steady job)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


async def test_archive_reports_increasing_counts_and_its_total(guildhall_db) -> None:
    await add_transactions(2_345, SUNDAY - 200 * DAY)
    await add_transactions(10, SUNDAY - DAY, user_id=2)  # recent: not counted
    events: list[ProgressEvent] = []
    progress = Progress("maintenance", events.append, clock=StepClock())
    engine = engine_for(guildhall_db, batch_size=500)

    [report] = await engine.run_jobs([ARCHIVE], now=SUNDAY, report=progress)

    assert report.ok and report.rows == 2_345
    mine = [e for e in events if e.stage == ARCHIVE]
    assert [e.done for e in mine] == [0, 500, 1000, 1500, 2000, 2345]
    assert {e.total for e in mine} == {2_345}
    assert mine[-1].fraction == 1.0 and mine[-1].eta == 0.0
    # the clock moved one second per event: rows / seconds since the job's first event
    assert [round(e.rate or 0) for e in mine[1:]] == [500, 500, 500, 500, 469]
    assert mine[1].eta == pytest.approx((2_345 - 500) / 500)


async def test_dry_run_reports_no_progress(guildhall_db) -> None:
    await add_transactions(700, SUNDAY - 200 * DAY)
    events: list[ProgressEvent] = []
    engine = engine_for(guildhall_db, batch_size=100)
    [report] = await engine.run_jobs([ARCHIVE], now=SUNDAY, dry_run=True,
                                     report=Progress("maintenance", events.append))
    assert report.rows == 700 and events == []


async def test_the_leaders_run_logs_progress_and_each_result_once(
    guildhall_db, caplog: pytest.LogCaptureFixture
) -> None:
    await add_transactions(1_200, SUNDAY - 200 * DAY)
    engine = engine_for(guildhall_db, batch_size=400)
    with caplog.at_level(logging.INFO, logger="core.maintenance.engine"):
        reports = await engine.run_due_jobs(SUNDAY)
    assert any(r.name == ARCHIVE and r.rows == 1_200 for r in reports)
    lines = [r.getMessage() for r in caplog.records if r.name == "core.maintenance.engine"]
    progress = [line for line in lines if line.startswith(f"maintenance: {ARCHIVE}, ")]
    assert progress[0].startswith(f"maintenance: {ARCHIVE}, 0 / 1,200 rows (0%)")
    assert "1,200 / 1,200 rows (100%)" in progress[-1]
    results = [line for line in lines if line.startswith(f"maintenance {ARCHIVE}: ok=True")]
    assert len(results) == 1 and "rows=1200" in results[0]
