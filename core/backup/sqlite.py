"""SQLite backups: an online-backup-API snapshot, gzip, verification, restore.

Never a file copy of a live database (a copy taken while a writer checkpoints the WAL
can be torn). The snapshot uses ``sqlite3.Connection.backup``. On a WAL database (what
guildhall configures) it runs as one step: a single read transaction, which in WAL mode
does not block writers, and which cannot be restarted by them. A paged backup restarts
from the first page whenever another connection writes, so under a steady write load it
never finishes (measured: 15 s and 373 restarts without completing). On a rollback-journal
database, where a reader does block writers, it copies in pages with a short sleep and
falls back to one step after a few restarts.

Everything here is synchronous; callers run it in a thread.
"""

from __future__ import annotations

import gzip
import os
import sqlite3
import zlib
from pathlib import Path
from typing import IO

from core.backup.files import (
    NOT_BACKED_UP,
    BackupError,
    create_private,
    describe_os_error,
    fsync_path,
    partial_path,
    remove_quietly,
    require_counts,
)
from core.runtime.progress import ProgressReport

PAGES_PER_STEP = 1024
STEP_SLEEP_SECONDS = 0.005
MAX_RESTARTS = 3
CHUNK = 1 << 20
MIGRATION_TABLES = frozenset({"aerich"})


class _TooManyRestarts(Exception):
    pass


def quote_identifier(name: str) -> str:
    """``name`` as a double-quoted SQL identifier (names come from the catalog)."""
    return '"' + name.replace('"', '""') + '"'


def table_row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (every table except SQLite's internal ones), by table name."""
    names = [
        row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    return {
        name: conn.execute(f"SELECT count(*) FROM {quote_identifier(name)}").fetchone()[0]  # noqa: S608
        for name in names
    }


def check_integrity(path: Path) -> dict[str, int]:
    """``PRAGMA integrity_check`` of a database file, then its row counts per table."""
    conn = sqlite3.connect(path)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise BackupError(f"{path.name}: integrity check failed: {'; '.join(result[:5])}")
        return table_row_counts(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name}: not a readable SQLite database: {exc}") from None
    finally:
        conn.close()


def first_table_with_rows(path: Path) -> str | None:
    """A non-migration table that has rows, or ``None`` (also when there is no file)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        counts = table_row_counts(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a readable SQLite database: {exc}") from None
    finally:
        conn.close()
    return next(
        (name for name, rows in counts.items() if rows and name not in MIGRATION_TABLES), None
    )


def is_wal(path: Path) -> bool:
    """True when the file header says WAL mode (read without taking any lock).

    Asking ``PRAGMA journal_mode`` needs a shared lock, which a busy writer on a
    rollback-journal database can starve past the busy timeout.
    """
    with path.open("rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _snapshot(source: Path, target: Path, busy_timeout_ms: int, report: ProgressReport) -> None:
    """Copy ``source`` to ``target`` through the online backup API."""
    if not source.is_file():
        raise BackupError(f"SQLite database {source} does not exist")
    src = sqlite3.connect(source, timeout=busy_timeout_ms / 1000)
    dst = sqlite3.connect(target)
    try:
        if not is_wal(source):
            try:
                _paged_backup(src, dst, report)
                return
            except _TooManyRestarts:
                report("snapshot (writers keep restarting it: one step)", None, None)
        report("snapshot", None, None)
        src.backup(dst, sleep=STEP_SLEEP_SECONDS)
    except sqlite3.Error as exc:
        hint = " (is the disk full or the directory not writable?)" if "disk" in str(exc) else ""
        raise BackupError(
            f"SQLite backup of {source} to {target.parent} failed: {exc}{hint}"
        ) from None
    finally:
        dst.close()
        src.close()


def _paged_backup(src: sqlite3.Connection, dst: sqlite3.Connection,
                  report: ProgressReport) -> None:
    restarts = 0
    last_remaining: int | None = None
    page_size = int(src.execute("PRAGMA page_size").fetchone()[0])  # reported in bytes

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal restarts, last_remaining
        if last_remaining is not None and remaining > last_remaining:
            restarts += 1
            if restarts > MAX_RESTARTS:
                raise _TooManyRestarts
        last_remaining = remaining
        report("snapshot", (total - remaining) * page_size, total * page_size)

    try:
        src.backup(dst, pages=PAGES_PER_STEP, progress=progress, sleep=STEP_SLEEP_SECONDS)
    except sqlite3.Error:
        if restarts > MAX_RESTARTS:
            raise _TooManyRestarts from None
        raise


def _copy_stream(reader: IO[bytes] | gzip.GzipFile, writer: IO[bytes] | gzip.GzipFile,
                 total: int, stage: str,
                 report: ProgressReport) -> None:
    done = 0
    while chunk := reader.read(CHUNK):
        writer.write(chunk)
        done += len(chunk)
        report(stage, min(done, total), total)


def compress(source: Path, target: Path, report: ProgressReport) -> None:
    """gzip ``source`` into ``target``."""
    total = source.stat().st_size
    with source.open("rb") as reader, gzip.open(target, "wb", compresslevel=6) as writer:
        _copy_stream(reader, writer, total, "compress", report)


def decompress(source: Path, target: Path, report: ProgressReport) -> None:
    """gunzip ``source`` into ``target``; :class:`BackupError` if it is not valid gzip."""
    total = source.stat().st_size
    try:
        with source.open("rb") as raw, gzip.GzipFile(fileobj=raw) as reader, \
                target.open("wb") as writer:
            while chunk := reader.read(CHUNK):
                writer.write(chunk)
                report("decompress", min(raw.tell(), total), total)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise BackupError(f"{source.name}: not a valid gzip file: {exc}") from None
    except OSError as exc:
        raise BackupError(describe_os_error(exc, target)) from None


def drop_unsaved_rows(snapshot: Path) -> None:
    """Delete the rows of :data:`NOT_BACKED_UP` tables from a snapshot, leaving no trace of
    them in free pages (``secure_delete``, then ``VACUUM``)."""
    conn = sqlite3.connect(snapshot)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )}
        for table in sorted(NOT_BACKED_UP & tables):
            conn.execute(f"DELETE FROM {quote_identifier(table)}")  # noqa: S608
        conn.commit()
        conn.execute("VACUUM")
    except sqlite3.Error as exc:
        raise BackupError(f"cleaning the snapshot {snapshot.name} failed: {exc}") from None
    finally:
        conn.close()
    remove_quietly(*(snapshot.with_name(snapshot.name + s) for s in ("-wal", "-shm")))


def create_sqlite_backup(source: Path, partial: Path, busy_timeout_ms: int,
                         report: ProgressReport) -> None:
    """Write a compressed consistent snapshot of ``source`` to ``partial`` (``0600``),
    without the rows of :data:`NOT_BACKED_UP` tables."""
    snapshot = partial_path(partial)
    try:
        create_private(snapshot)
        _snapshot(source, snapshot, busy_timeout_ms, report)
        report("drop rows not backed up", None, None)
        drop_unsaved_rows(snapshot)
        create_private(partial)
        compress(snapshot, partial, report)
    except OSError as exc:
        remove_quietly(partial)
        raise BackupError(describe_os_error(exc, partial)) from None
    except BaseException:
        remove_quietly(partial)
        raise
    finally:
        remove_quietly(snapshot)


def verify_sqlite_backup(backup: Path, report: ProgressReport) -> dict[str, int]:
    """Decompress to a temp file, run the integrity check, return row counts per table."""
    scratch = partial_path(backup)
    try:
        create_private(scratch)
        decompress(backup, scratch, report)
        report("integrity check", None, None)
        return check_integrity(scratch)
    finally:
        remove_quietly(scratch)


def restore_sqlite(backup: Path, target: Path, expected: dict[str, int],
                   report: ProgressReport) -> dict[str, int]:
    """Replace ``target`` with the backup atomically; return the verified row counts.

    The backup is decompressed and checked next to the target, then renamed over it; the
    old ``-wal``/``-shm`` files are removed so they can never be replayed onto the new file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.restore{os.getpid()}.partial")
    try:
        decompress(backup, scratch, report)
        report("integrity check", None, None)
        counts = check_integrity(scratch)
        require_counts(counts, expected, "backup")
        fsync_path(scratch)
        report("replace database", None, None)
        stale = [target.with_name(target.name + suffix) for suffix in ("-wal", "-shm")]
        remove_quietly(*stale)
        os.replace(scratch, target)
        remove_quietly(*stale)
        fsync_path(target.parent)
    except OSError as exc:
        raise BackupError(describe_os_error(exc, target)) from None
    finally:
        remove_quietly(scratch)
    report("verify restored database", None, None)
    restored = check_integrity(target)
    require_counts(restored, expected, "restored database")
    return restored
