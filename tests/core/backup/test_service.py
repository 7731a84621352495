"""Backups on both engines: consistent under concurrent writers, round trip, records, loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from core.backup.files import BackupError, list_backups, manifest_path
from core.backup.restore import restore_backup
from core.backup.service import backup_now, next_backup_due, run_backup_loop
from core.db.models import MaintenanceRun, User
from core.leader.fencing import fenced
from tests.core.backup.backup_support import (
    COMPARED_TABLES,
    populate,
    read_rows,
    sqlite_integrity,
    with_backup,
)


@dataclass
class Term:
    """A leader term as the leader hands it to its jobs."""

    epoch: int
    identity: str = "test-worker"
    lost: asyncio.Event = field(default_factory=asyncio.Event)


async def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Poll ``condition`` until it holds or ``seconds`` pass (the caller asserts after)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.05) + 1):
        if condition() or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)


async def test_backup_during_busy_writer_restores_consistently(
    guildhall_db, guildhall_settings, guildhall_engine, guildhall_database_factory, tmp_path
) -> None:
    settings = with_backup(guildhall_settings, tmp_path / "backups")
    await populate(3000)
    inserted: list[int] = []
    stop = asyncio.Event()
    warmed_up = asyncio.Event()

    async def writer() -> None:
        next_id = 1_000_000
        while not stop.is_set():
            await User.create(user_id=next_id, username=f"w{next_id}")
            inserted.append(next_id)
            next_id += 1
            if len(inserted) >= 20:
                warmed_up.set()

    task = asyncio.create_task(writer())
    await asyncio.wait_for(warmed_up.wait(), 60)
    before = len(inserted)
    result = await backup_now(settings)
    during = len(inserted) - before
    stop.set()
    await task
    assert during > 0, "the writer must have been inserting while the backup ran"
    assert result.verified
    counted = result.manifest.tables["users"]
    assert 2999 + before <= counted <= 2999 + len(inserted)

    target = await guildhall_database_factory.create_empty(guildhall_engine)
    restored = await restore_backup(result.path, target)
    assert restored.tables == result.manifest.tables
    if guildhall_engine == "sqlite":
        assert await sqlite_integrity(target) == "ok"
    writer_ids = [row[0] for row in await read_rows(target, "users") if row[0] >= 1_000_000]
    # The snapshot holds exactly the first N committed writes: no gaps, nothing torn.
    assert writer_ids == inserted[: len(writer_ids)]
    assert len(writer_ids) == counted - 2999


async def test_round_trip_preserves_contents(
    guildhall_db, guildhall_settings, guildhall_engine, guildhall_database_factory, tmp_path
) -> None:
    settings = with_backup(guildhall_settings, tmp_path)
    await populate(500)
    source = guildhall_settings.database.url.get_secret_value()
    result = await backup_now(settings)
    name = result.path.name
    assert name.startswith(f"guildhall-{guildhall_engine}-") and "T" in name and "Z" in name
    assert name.endswith(".db.gz" if guildhall_engine == "sqlite" else ".dump")
    manifest = json.loads(manifest_path(result.path).read_text())
    assert manifest["engine"] == guildhall_engine and manifest["verified"] is True
    assert manifest["tables"]["users"] == 499 and manifest["tables"]["mod_actions"] == 51
    assert len(manifest["sha256"]) == 64
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]

    target = await guildhall_database_factory.create_empty(guildhall_engine)
    restored = await restore_backup(result.path, target)
    assert restored.tables == manifest["tables"]
    for table in COMPARED_TABLES:
        original = await read_rows(source, table)
        assert original, table
        assert await read_rows(target, table) == original, table


async def test_each_run_is_recorded(guildhall_db, guildhall_settings, tmp_path) -> None:
    await populate(20)
    result = await backup_now(with_backup(guildhall_settings, tmp_path / "ok"))
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the backup directory should be")
    with pytest.raises(BackupError, match="exists but is not a directory"):
        await backup_now(with_backup(guildhall_settings, blocked))
    runs = await MaintenanceRun.filter(job="backup").order_by("id")
    assert [run.ok for run in runs] == [True, False]
    assert runs[0].rows == result.manifest.total_rows > 0
    assert result.path.name in runs[0].detail
    assert "not a directory" in runs[1].detail
    assert runs[0].finished_at >= runs[0].started_at


async def test_loop_backs_up_at_once_when_none_is_recent(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    settings = with_backup(guildhall_settings, tmp_path, interval_hours=6)
    term = Term(epoch=1)
    task = asyncio.create_task(run_backup_loop(settings, term))
    await wait_until(lambda: len(list_backups(tmp_path)) >= 1)
    term.lost.set()
    await asyncio.wait_for(task, 30)
    backups = list_backups(tmp_path)
    assert len(backups) == 1 and backups[0].verified
    due = next_backup_due(settings)
    assert abs((due - backups[0].manifest.created).total_seconds() - 6 * 3600) < 1


async def test_loop_keeps_the_clock_across_failover(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    settings = with_backup(guildhall_settings, tmp_path, interval_hours=6)
    first = await backup_now(settings)
    # A new leader starts 1 s later: the backup is recent, so none is taken.
    term = Term(epoch=2)
    task = asyncio.create_task(run_backup_loop(settings, term))
    await asyncio.sleep(1.5)
    assert len(list_backups(tmp_path)) == 1
    term.lost.set()
    await asyncio.wait_for(task, 10)
    # The newest verified backup is now 7 hours old: the next leader backs up at once.
    path = manifest_path(first.path)
    data = json.loads(path.read_text())
    data["created_at"] = (first.manifest.created - timedelta(hours=7)).isoformat()
    path.write_text(json.dumps(data))
    term = Term(epoch=3)
    task = asyncio.create_task(run_backup_loop(settings, term))
    await wait_until(lambda: len(list_backups(tmp_path)) >= 2)
    term.lost.set()
    await asyncio.wait_for(task, 30)
    assert len(list_backups(tmp_path)) == 2
    assert await MaintenanceRun.filter(job="backup", ok=True).count() == 2


async def test_loop_of_a_fenced_out_leader_stops(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    async with fenced(5, "newer-leader"):
        pass
    term = Term(epoch=4)
    await asyncio.wait_for(run_backup_loop(with_backup(guildhall_settings, tmp_path), term), 60)
    assert not term.lost.is_set()  # it returned on its own
    assert await MaintenanceRun.filter(job="backup").count() == 0
