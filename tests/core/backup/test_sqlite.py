"""SQLite snapshots under a writer that never pauses, in WAL and rollback-journal mode."""

from __future__ import annotations

import gzip
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from core.backup.files import BackupError
from core.backup.sqlite import (
    create_sqlite_backup,
    decompress,
    verify_sqlite_backup,
)

ROWS = 60_000


def make_database(path: Path, journal_mode: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode={journal_mode}")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    conn.executemany("INSERT INTO events (id, body) VALUES (?, ?)",
                     ((i, "x" * 120) for i in range(1, ROWS + 1)))
    conn.commit()
    conn.close()


class Writer(threading.Thread):
    """Inserts and commits one row at a time on its own connection until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.committed = ROWS
        self.max_wait = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=60)
        while not self.stop.is_set():
            started = time.monotonic()
            conn.execute("INSERT INTO events (id, body) VALUES (?, 'w')", (self.committed + 1,))
            conn.commit()
            self.max_wait = max(self.max_wait, time.monotonic() - started)
            self.committed += 1
        conn.close()


def snapshot_under_writes(tmp_path: Path, journal_mode: str) -> tuple[list[str], float, Path]:
    """Back up a database while a writer commits nonstop; (stages, writer's max wait, file)."""
    source = tmp_path / "live.db"
    make_database(source, journal_mode)
    writer = Writer(source)
    writer.start()
    time.sleep(0.2)
    stages: list[str] = []

    def report(stage: str, done: int | None, total: int | None) -> None:
        if not stages or stages[-1] != stage:
            stages.append(stage)

    backup = tmp_path / "backup.db.gz"
    try:
        create_sqlite_backup(source, backup, 5000, report)
    finally:
        writer.stop.set()
        writer.join(60)
    return stages, writer.max_wait, backup


def restored_ids(backup: Path, tmp_path: Path) -> list[int]:
    plain = tmp_path / "restored.db"
    decompress(backup, plain, lambda *args: None)
    conn = sqlite3.connect(plain)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM events ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_snapshot_is_consistent_under_constant_writes(tmp_path: Path, journal_mode: str) -> None:
    started = time.monotonic()
    stages, writer_max_wait, backup = snapshot_under_writes(tmp_path, journal_mode)
    assert time.monotonic() - started < 120
    assert stages[0].startswith("snapshot") and "compress" in stages
    counts = verify_sqlite_backup(backup, lambda *args: None)
    ids = restored_ids(backup, tmp_path)
    # A consistent snapshot is a prefix of the commit sequence: 1..N without gaps.
    assert ids == list(range(1, counts["events"] + 1))
    assert counts["events"] >= ROWS
    if journal_mode == "wal":
        # In WAL mode the one-step snapshot is a read transaction: the writer never waits.
        assert writer_max_wait < 2.0


def test_verification_rejects_a_damaged_database(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    make_database(source, "wal")
    backup = tmp_path / "backup.db.gz"
    create_sqlite_backup(source, backup, 5000, lambda *args: None)
    data = bytearray(gzip.decompress(backup.read_bytes()))
    for offset in range(4096 * 3, 4096 * 40, 7):  # scribble over b-tree pages
        data[offset] = 0x5A
    backup.write_bytes(gzip.compress(bytes(data)))
    with pytest.raises(BackupError, match="integrity check failed|not a readable"):
        verify_sqlite_backup(backup, lambda *args: None)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_verification_rejects_a_file_that_is_not_gzip(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db.gz"
    backup.write_bytes(b"SQLite format 3\x00 but not compressed")
    with pytest.raises(BackupError, match="not a valid gzip file"):
        verify_sqlite_backup(backup, lambda *args: None)
    assert [p.name for p in tmp_path.iterdir()] == ["backup.db.gz"]


def test_missing_source_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="does not exist"):
        create_sqlite_backup(tmp_path / "nope.db", tmp_path / "b.db.gz", 5000,
                             lambda *args: None)
    assert list(tmp_path.iterdir()) == []
