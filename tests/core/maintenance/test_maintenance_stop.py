"""The leader stops in the middle of a maintenance job: batches are whole, the run says so.

Every batch of the archive job moves rows in one transaction, so cancelling the engine
half-way leaves each transaction row exactly once (hot or archived, never both, never
lost), and the run's ``maintenance_runs`` record is closed as interrupted - before the
fix it stayed open (no ``finished_at``) as if the job were still running.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from core.db.models import MaintenanceRun
from plugins.economy.models import Transaction, TransactionArchive
from tests.core.maintenance.maintenance_support import (
    DAY,
    SUNDAY,
    add_transactions,
    engine_for,
    term,
    transaction_rows,
)

pytestmark = pytest.mark.reliability
JOB = "economy.transactions.archive"
ROWS = 30_000
SLACK = 60.0  # generous: the clock is not the subject here


async def test_a_stop_mid_job_keeps_batches_whole_and_records_the_interruption(
    guildhall_db,
) -> None:
    await add_transactions(ROWS, SUNDAY - 400 * DAY)
    before, _ = await transaction_rows()
    engine = engine_for(guildhall_db, batch_size=100)
    leader = term(3)
    task = asyncio.create_task(engine.run(leader, now=lambda: SUNDAY))
    deadline = time.monotonic() + SLACK
    while await TransactionArchive.all().count() == 0:  # the job is moving batches
        assert time.monotonic() < deadline, "the archive job never started"
        assert not task.done(), task
        await asyncio.sleep(0.01)

    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=SLACK)
    assert task in done and task.cancelled()

    hot, cold = await transaction_rows()
    assert 0 < len(cold) < ROWS, "stopped in the middle, as the test intends"
    assert not set(hot) & set(cold)  # no row in both tables
    assert {**hot, **cold} == before  # none lost, none changed
    assert len(cold) % 100 == 0  # whole batches only
    run = await MaintenanceRun.get(job=JOB)
    assert run.finished_at is not None and run.ok is False
    assert run.detail == "interrupted: the leader stopped"
    assert await Transaction.all().count() == ROWS - len(cold)
