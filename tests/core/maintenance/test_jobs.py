"""Batch machinery on SQLite and PostgreSQL: archive moves every row exactly once."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import datetime, timedelta

import asyncpg

from core.db.database import sqlite_path
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

ARCHIVE = "economy.transactions.archive"
OLD = SUNDAY - 200 * DAY
RECENT = SUNDAY - DAY
OLD_ROWS = 20_000


async def test_archive_moves_every_row_exactly_once_in_batches(guildhall_db) -> None:
    await add_transactions(12_345, OLD)
    await add_transactions(50, RECENT, user_id=2)
    before, _ = await transaction_rows()
    engine = engine_for(guildhall_db, batch_size=1000)

    started = time.perf_counter()
    [report] = await engine.run_jobs([ARCHIVE], now=SUNDAY, term=term(3))
    print(f"\narchived 12,345 rows in batches of 1,000: {time.perf_counter() - started:.2f}s")

    assert report.ok and report.rows == 12_345
    hot, cold = await transaction_rows()
    assert set(hot) | set(cold) == set(before) and not set(hot) & set(cold)
    assert {before[i] for i in cold} == set(cold.values())  # identical contents
    assert {before[i] for i in hot} == set(hot.values())
    assert all(row[6] < SUNDAY - 90 * DAY for row in cold.values()) and len(cold) == 12_345
    assert all(row[1] == 2 for row in hot.values()) and len(hot) == 50
    assert {a.archived_at for a in await TransactionArchive.all()} == {SUNDAY}
    run = await MaintenanceRun.get(job=ARCHIVE)
    assert run.ok and run.rows == 12_345 and run.finished_at >= run.started_at == SUNDAY


async def test_archive_rerun_finds_nothing_to_move(guildhall_db) -> None:
    await add_transactions(300, OLD)
    engine = engine_for(guildhall_db, batch_size=100)
    first = await engine.run_jobs([ARCHIVE], now=SUNDAY)
    second = await engine.run_jobs([ARCHIVE], now=SUNDAY)
    assert [first[0].rows, second[0].rows] == [300, 0]
    assert await TransactionArchive.all().count() == 300
    assert await Transaction.all().count() == 0


def _sqlite_writer(path: str, stop: threading.Event, inserted: list[int]) -> None:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        while not stop.is_set():
            moment = OLD if len(inserted) % 2 else RECENT
            cursor = conn.execute(
                'INSERT INTO "transactions" ("user_id", "guild_id", "amount", '
                '"transaction_type", "description", "created_at") '
                "VALUES (7, 70, 5, 'work', 'concurrent', ?)",
                [moment],
            )
            inserted.append(int(cursor.lastrowid))
            time.sleep(0.001)
    finally:
        conn.close()


async def _postgres_writer(url: str, stop: asyncio.Event, inserted: list[int]) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        while not stop.is_set():
            moment = OLD if len(inserted) % 2 else RECENT
            inserted.append(
                await conn.fetchval(
                    'INSERT INTO "transactions" ("user_id", "guild_id", "amount", '
                    '"transaction_type", "description", "created_at") '
                    "VALUES (7, 70, 5, 'work', 'concurrent', $1) RETURNING id",
                    moment,
                )
            )
            await asyncio.sleep(0.001)
    finally:
        await conn.close()


async def test_concurrent_inserts_during_archive_are_not_lost(
    guildhall_db, guildhall_engine
) -> None:
    await add_transactions(OLD_ROWS, OLD)
    engine = engine_for(guildhall_db, batch_size=100)
    url = guildhall_db.settings.database.url.get_secret_value()
    inserted: list[int] = []
    if guildhall_engine == "sqlite":
        stop_thread = threading.Event()
        writer = threading.Thread(
            target=_sqlite_writer, args=(str(sqlite_path(url)), stop_thread, inserted)
        )
        writer.start()
        stop = stop_thread.set
    else:
        stop_task = asyncio.Event()
        task = asyncio.create_task(_postgres_writer(url, stop_task, inserted))
        stop = stop_task.set
    await _wait_for(lambda: len(inserted) >= 5)
    during_start = len(inserted)
    [report] = await engine.run_jobs([ARCHIVE], now=SUNDAY)
    during = len(inserted) - during_start
    stop()
    if guildhall_engine == "sqlite":
        await asyncio.to_thread(writer.join)
    else:
        await task

    assert report.ok, report.detail
    assert during > 0, "the writer must have inserted while the archive ran"
    hot, cold = await transaction_rows()
    concurrent = set(inserted)
    assert not set(hot) & set(cold)
    assert concurrent <= set(hot) | set(cold)  # nothing lost
    assert len(hot) + len(cold) == OLD_ROWS + len(inserted)  # nothing doubled
    assert report.rows == len(cold)
    recent_ids = {i for i in hot if hot[i][6] >= SUNDAY - 90 * DAY}
    assert recent_ids.isdisjoint(cold)
    assert all(row[6] < SUNDAY - 90 * DAY for row in cold.values())
    print(f"\n{guildhall_engine}: {during} concurrent inserts during the archive; "
          f"{len(cold)} archived")


async def _wait_for(predicate, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_leader_run_is_fenced_and_a_stale_epoch_changes_nothing(guildhall_db) -> None:
    from core.leader.fencing import FencedOut, current_epoch, fenced

    await add_transactions(250, OLD)
    async with fenced(9, "newer-leader"):
        pass
    engine = engine_for(guildhall_db, batch_size=100)
    stale = term(4)
    try:
        await engine.run_jobs([ARCHIVE], now=SUNDAY, term=stale)
    except FencedOut:
        pass
    else:
        raise AssertionError("a stale epoch must be fenced out")
    assert stale.lost.is_set()
    assert await Transaction.all().count() == 250
    assert await TransactionArchive.all().count() == 0
    run = await MaintenanceRun.get(job=ARCHIVE)
    assert not run.ok and "fenced out" in run.detail
    assert await current_epoch() == 9
    [report] = await engine.run_jobs([ARCHIVE], now=SUNDAY, term=term(9))
    assert report.ok and report.rows == 250


def test_cutoff_is_computed_once_from_now() -> None:
    from core.maintenance.jobs import JobResult, MaintenanceJob
    from core.maintenance.schedule import start_of_week
    from core.plugins.contracts import Schedule

    async def nothing(ctx):
        return JobResult(0)

    job = MaintenanceJob("x", Schedule.WEEKLY, nothing, older_than=timedelta(days=10))
    assert job.cutoff(SUNDAY) == SUNDAY - timedelta(days=10)
    floored = MaintenanceJob("y", Schedule.WEEKLY, nothing, older_than=timedelta(days=10),
                             cutoff_floor=start_of_week)
    assert floored.cutoff(SUNDAY) == datetime(2026, 2, 16, tzinfo=SUNDAY.tzinfo)
