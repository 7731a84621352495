"""A backup reports its progress in bytes, stage by stage, with increasing counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core.backup.service import create_backup
from core.runtime.progress import Progress, ProgressEvent
from core.testing.pytest_plugin import make_settings
from tests.core.backup.backup_support import with_backup


def rollback_journal_database(path: Path, rows: int) -> None:
    """A SQLite database (not WAL: backed up page by page) of ``rows`` 4 KiB rows."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    conn.executemany("INSERT INTO blobs (body) VALUES (?)",
                     ((bytes([i % 251]) * 4096,) for i in range(rows)))
    conn.commit()
    conn.close()


async def test_sqlite_backup_reports_bytes_per_stage(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    rollback_journal_database(source, rows=3000)
    settings = with_backup(make_settings(f"sqlite://{source}", []), tmp_path / "backups")
    events: list[ProgressEvent] = []
    result = await create_backup(settings, Progress("backup", events.append, unit="bytes"))
    assert result.manifest.verified
    stages = list(dict.fromkeys(e.stage for e in events))
    assert stages[:2] == ["snapshot", "drop rows not backed up"] and "compress" in stages
    assert stages[-1] == "checksum"
    size = source.stat().st_size
    for stage in ("snapshot", "compress", "decompress"):
        counts = [e.done for e in events if e.stage == stage]
        assert counts == sorted(counts) and len(counts) > 1, stage  # several, increasing
        last = [e for e in events if e.stage == stage][-1]
        assert last.fraction == 1.0 and last.unit == "bytes"
    snapshot = [e for e in events if e.stage == "snapshot"]
    assert snapshot[-1].total == size  # pages reported as bytes: the whole file
