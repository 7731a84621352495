"""A backup cancelled mid-write (the leader stops) stops its thread and leaves nothing.

The SQLite work runs in a thread, which cancelling the awaiting task does not stop: before
the fix the thread went on compressing into the ``.partial`` file the task had already
removed, and kept the process busy after the stop. Now the thread ends at its next
progress report before the cancellation completes, and no file - partial or final - is
left in the backup directory.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from core.backup.service import create_backup
from core.testing.pytest_plugin import make_settings
from tests.core.backup.backup_support import with_backup

pytestmark = pytest.mark.reliability
SLACK = 60.0  # generous: the clock is not the subject here


def big_database(path: Path, megabytes: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    conn.executemany("INSERT INTO blobs (body) VALUES (?)",
                     ((os.urandom(64 * 1024),) for _ in range(megabytes * 16)))
    conn.commit()
    conn.close()


class SlowDisk:
    """A progress report that blocks in the first "compress" step until released, then is
    slow (a loaded disk); it records every call made after the release."""

    def __init__(self) -> None:
        self.compressing = threading.Event()
        self.release = threading.Event()
        self.after_release: list[str] = []

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        if stage != "compress":
            return
        if self.release.is_set():
            self.after_release.append(stage)
            self.release.wait()  # already set: a slow step, not a block
            threading.Event().wait(0.05)
            return
        self.compressing.set()
        self.release.wait(SLACK)


async def test_cancelled_sqlite_backup_stops_its_thread_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    source = tmp_path / "live.db"
    big_database(source, megabytes=6)
    directory = tmp_path / "backups"
    settings = with_backup(make_settings(f"sqlite://{source}", []), directory)
    disk = SlowDisk()
    backup = asyncio.create_task(create_backup(settings, disk))
    compressing = await asyncio.to_thread(disk.compressing.wait, SLACK)
    assert compressing, "the backup never reached its compress stage"
    assert list(directory.glob("*.partial")), "the partial file is being written"

    backup.cancel()
    disk.release.set()
    with pytest.raises(asyncio.CancelledError):
        await backup

    # The thread is over when the cancellation completes: nothing more was written...
    assert disk.after_release == [], "the backup thread went on after the stop"
    # ...and neither a partial nor a final backup (nor a manifest) is left behind.
    assert sorted(p.name for p in directory.iterdir()) == []
