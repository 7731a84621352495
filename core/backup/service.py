"""Verified backups of the configured database, on demand and every ``interval_hours``.

:func:`backup_now` writes a backup (SQLite: online backup API + gzip; PostgreSQL:
``pg_dump -Fc``), verifies it, writes its manifest, rotates old files and records the run
in ``maintenance_runs``. :func:`run_backup_loop` is the leader's job: it keeps the clock
in the backup directory (the newest verified manifest), so a failover does not reset it.

Cancelling a backup (the leader stops) stops it: the SQLite work in its thread ends at
its next progress report, pg_dump/pg_restore are killed, and only then is the partial
file removed. A backup gets its final name and manifest only once complete.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from tortoise import Tortoise

from core.backup import files
from core.backup.files import BackupError, Manifest
from core.backup.postgres import create_postgres_backup, verify_postgres_backup
from core.backup.sqlite import create_sqlite_backup, verify_sqlite_backup
from core.db.database import sqlite_path
from core.db.models import MaintenanceRun
from core.leader.fencing import FencedOut, fenced
from core.runtime.config import Settings
from core.runtime.progress import ProgressReport, logged_progress, no_report

log = logging.getLogger(__name__)
JOB = "backup"
RETRY_AFTER_FAILURE = timedelta(minutes=15)
THREAD_STOP_SECONDS = 5.0  # a cancelled backup waits this long for its thread to stop
T = TypeVar("T")

__all__ = ["BackupError", "BackupResult", "LeaderTerm", "backup_now", "create_backup",
           "run_backup_loop"]


class LeaderTerm(Protocol):
    """What the leader hands its jobs: its fencing epoch, who it is, and loss of the lease."""

    epoch: int
    identity: str
    lost: asyncio.Event


class BackupStopped(Exception):
    """Raised inside a backup thread at its next progress report once it was cancelled."""


def stoppable(report: ProgressReport, stop: threading.Event) -> ProgressReport:
    """``report``, raising :class:`BackupStopped` first once ``stop`` is set."""

    def checked(stage: str, done: int | None = None, total: int | None = None) -> None:
        if stop.is_set():
            raise BackupStopped("the backup was stopped")
        report(stage, done, total)

    return checked


async def in_thread(stop: threading.Event, function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a thread. When the caller is cancelled, set ``stop`` and
    wait up to ``THREAD_STOP_SECONDS`` for the thread to end before the cancellation
    goes on (so no thread keeps writing a file the caller is about to remove)."""
    work = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        stop.set()
        await asyncio.wait({work}, timeout=THREAD_STOP_SECONDS)
        if not work.done():
            log.error("backup thread still running %g s after the stop; left behind",
                      THREAD_STOP_SECONDS)
        elif not work.cancelled():
            work.exception()  # BackupStopped, expected: retrieved so it is not logged
        raise


@dataclass
class BackupResult:
    """A finished backup: where it is, what it holds, what rotation removed."""

    path: Path
    manifest: Manifest
    seconds: float
    deleted: list[Path] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True when the backup passed verification."""
        return self.manifest.verified


async def create_backup(settings: Settings, report: ProgressReport = no_report) -> BackupResult:
    """Write, verify and publish one backup, then rotate; no database record.

    A backup that fails verification is still published with ``verified: false`` (for
    inspection; rotation removes it after a day) and :class:`BackupError` is raised.
    """
    started = time.monotonic()
    engine = settings.database.dialect
    url = settings.database.url.get_secret_value()
    directory = files.prepare_directory(Path(settings.backup.directory))
    created = files.utc_now()
    final = files.final_path(directory, engine, created)
    partial = files.partial_path(final)
    error: str | None = None
    counts: dict[str, int] = {}
    stop = threading.Event()
    report = stoppable(report, stop)
    try:
        if engine == "sqlite":
            source = sqlite_path(url)
            if str(source) == ":memory:":
                raise BackupError("an in-memory SQLite database cannot be backed up")
            await in_thread(
                stop, create_sqlite_backup, source, partial,
                settings.database.sqlite_busy_timeout_ms, report,
            )
            try:
                counts = await in_thread(stop, verify_sqlite_backup, partial, report)
            except BackupError as exc:
                error = str(exc)
        else:
            counts = await create_postgres_backup(url, partial, report)
            try:
                await verify_postgres_backup(
                    partial, url, counts, settings.backup.verify_restore, report
                )
            except BackupError as exc:
                error = str(exc)
        report("checksum", None, None)
        manifest = Manifest(
            engine=engine, created_at=created.isoformat(), verified=error is None,
            tables=counts, sha256=await in_thread(stop, files.sha256_of, partial),
            size_bytes=partial.stat().st_size, file=final.name, error=error,
        )
        files.publish(partial, final, manifest)
    except OSError as exc:
        raise BackupError(files.describe_os_error(exc, final)) from None
    finally:
        files.remove_quietly(partial)
    deleted = files.rotate(directory, settings.backup.keep_days)
    if error is not None:
        raise BackupError(f"backup {final.name} failed verification: {error}")
    return BackupResult(final, manifest, time.monotonic() - started, deleted)


async def _record(started: datetime, ok: bool, rows: int, detail: str,
                  epoch: int | None, holder: str) -> None:
    """One ``maintenance_runs`` row; fenced when written by a leader term."""
    if not Tortoise.is_inited():
        log.warning("backup run not recorded: the database is not open (%s)", detail)
        return
    values: dict[str, Any] = {"job": JOB, "started_at": started, "finished_at": files.utc_now(),
              "ok": ok, "rows": rows, "detail": detail}
    if epoch is None:
        await MaintenanceRun.create(**values)
        return
    async with fenced(epoch, holder) as conn:
        await MaintenanceRun.create(**values, using_db=conn)


async def backup_now(settings: Settings, *, epoch: int | None = None, holder: str = "",
                     report: ProgressReport = no_report) -> BackupResult:
    """Back up, verify, rotate and record the run in ``maintenance_runs``.

    Needs the ORM open (to record the run). With ``epoch`` the record is written in a
    fenced transaction, so a deposed leader gets :class:`~core.leader.fencing.FencedOut`.
    Raises :class:`BackupError` with a readable message when the backup fails.
    """
    started = files.utc_now()
    try:
        result = await create_backup(settings, report)
    except BackupError as exc:
        try:
            await _record(started, False, 0, str(exc), epoch, holder)
        except FencedOut:
            raise
        except Exception as record_error:
            log.warning("could not record the failed backup run: %s", record_error)
        raise
    detail = (f"{result.path.name} ({result.manifest.size_bytes} bytes, "
              f"{len(result.manifest.tables)} tables, {result.seconds:.1f} s)")
    await _record(started, True, result.manifest.total_rows, detail, epoch, holder)
    log.info("backup %s verified, %d rows", result.path.name, result.manifest.total_rows)
    return result


def next_backup_due(settings: Settings, now: datetime | None = None) -> datetime:
    """When the next backup is due: the newest verified backup plus ``interval_hours``."""
    now = now or files.utc_now()
    newest = files.newest_verified(Path(settings.backup.directory), settings.database.dialect)
    if newest is None or newest.manifest is None:
        return now
    return newest.manifest.created + timedelta(hours=settings.backup.interval_hours)


async def _sleep_unless_lost(lost: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds``; True as soon as the lease is lost."""
    if seconds <= 0:
        return lost.is_set()
    try:
        await asyncio.wait_for(lost.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


async def run_backup_loop(settings: Settings, term: LeaderTerm) -> None:
    """Take a backup whenever one is due, until ``term.lost`` is set.

    On start a backup is taken at once if the newest verified one is older than the
    interval. A failed backup is retried after ``min(interval, 15 min)``; a fenced-out
    record (a newer leader acted) ends the loop.
    """
    interval = timedelta(hours=settings.backup.interval_hours)
    retry_at: datetime | None = None
    while not term.lost.is_set():
        due = next_backup_due(settings)
        if retry_at is not None and retry_at > due:
            due = retry_at
        if await _sleep_unless_lost(term.lost, (due - files.utc_now()).total_seconds()):
            return
        try:
            await backup_now(settings, epoch=term.epoch, holder=term.identity,
                             report=logged_progress("backup", log, unit="bytes"))
            retry_at = None
        except FencedOut:
            log.warning("backup loop stops: epoch %s was fenced out", term.epoch)
            return
        except Exception as exc:
            if not isinstance(exc, BackupError):
                log.exception("backup failed unexpectedly")
            else:
                log.error("backup failed: %s", exc)
            retry_at = files.utc_now() + min(interval, RETRY_AFTER_FAILURE)
