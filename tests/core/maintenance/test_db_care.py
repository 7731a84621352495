"""Database care on both engines: VACUUM only past the free ratio, then incremental."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tortoise import connections

from core.maintenance.db_care import care_for_database, sqlite_free_pages
from plugins.economy.models import Transaction
from tests.core.maintenance.maintenance_support import SUNDAY, engine_for


async def _fill_and_empty(rows: int) -> None:
    await Transaction.bulk_create(
        [Transaction(user_id=1, guild_id=2, amount=1, transaction_type="work",
                     description="x" * 2000) for _ in range(rows)],
        batch_size=500,
    )
    await Transaction.all().delete()


async def _pragma(name: str) -> int:
    _, rows = await connections.get("default").execute_query(f"PRAGMA {name}")
    return int(next(iter(dict(rows[0]).values())))


async def test_sqlite_full_vacuum_past_ratio_switches_to_incremental(guildhall_db,
                                                                      guildhall_engine) -> None:
    if guildhall_engine != "sqlite":
        report = await care_for_database(0.25)
        assert report.actions == ["ANALYZE"]
        return
    assert await _pragma("auto_vacuum") == 0  # migrations create files in NONE mode
    await _fill_and_empty(2000)
    free, pages = await sqlite_free_pages()
    assert free / pages > 0.25

    dry = await care_for_database(0.25, dry_run=True)
    assert "would run full VACUUM" in dry.summary and (await sqlite_free_pages())[0] == free

    report = await care_for_database(0.25)
    assert "full VACUUM" in report.summary and "switching auto_vacuum to incremental" in (
        report.summary)
    assert await _pragma("auto_vacuum") == 2 and (await sqlite_free_pages())[0] == 0
    assert report.pages_freed == free

    await Transaction.bulk_create(
        [Transaction(user_id=1, guild_id=2, amount=1, transaction_type="work",
                     description="y" * 2000) for _ in range(3000)], batch_size=500)
    first = await Transaction.all().order_by("id").limit(300).values_list("id", flat=True)
    await Transaction.filter(id__in=first).delete()
    free, pages = await sqlite_free_pages()
    assert 0 < free / pages < 0.25
    report = await care_for_database(0.25)
    assert "incremental vacuum" in report.summary and "full VACUUM" not in report.summary
    assert (await sqlite_free_pages())[0] == 0 and report.pages_freed == free


async def test_none_mode_below_ratio_leaves_the_file_alone(guildhall_db,
                                                           guildhall_engine) -> None:
    if guildhall_engine != "sqlite":
        dry = await care_for_database(0.25, dry_run=True)
        assert dry.actions == ["would run ANALYZE"]
        return
    await _fill_and_empty(50)
    free, _ = await sqlite_free_pages()
    report = await care_for_database(0.99)
    assert "no vacuum" in report.summary and "auto_vacuum=none" in report.summary
    assert (await sqlite_free_pages())[0] == free


async def test_postgres_analyze_updates_statistics(guildhall_db, guildhall_engine) -> None:
    await Transaction.create(user_id=1, guild_id=2, amount=1, transaction_type="work")
    [report] = await engine_for(guildhall_db).run_jobs(["core.db_care"], now=SUNDAY)
    assert report.ok
    if guildhall_engine == "sqlite":
        assert "PRAGMA optimize" in report.detail
        return
    assert report.detail == "ANALYZE"
    started = datetime.now(UTC)
    for _ in range(100):  # statistics views are flushed asynchronously
        _, rows = await connections.get("default").execute_query(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'transactions'")
        if rows and rows[0]["last_analyze"] is not None:
            break
        await asyncio.sleep(0.1)
    assert rows[0]["last_analyze"] is not None
    assert (datetime.now(UTC) - started).total_seconds() < 60
