"""Restore a verified backup into a database, checking everything before touching it.

Order: the backup's manifest exists and says verified; its engine matches the target
URL's; the file's SHA-256 equals the manifest's; the target is empty (or ``force``).
Only then is the target replaced, and afterwards its row counts must equal the manifest.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from core.backup.files import BackupError, Manifest, read_manifest, sha256_of
from core.backup.postgres import PgTarget, restore_postgres
from core.backup.postgres import first_table_with_rows as pg_table_with_rows
from core.backup.sqlite import first_table_with_rows as sqlite_table_with_rows
from core.backup.sqlite import restore_sqlite
from core.db.database import sqlite_path
from core.runtime.config import mask_url
from core.runtime.progress import ProgressReport, no_report

ENGINE_BY_SCHEME = {"sqlite": "sqlite", "postgres": "postgres", "postgresql": "postgres"}


@dataclass
class RestoreResult:
    """A finished restore: where to, and the verified row counts per table."""

    target: str
    engine: str
    tables: dict[str, int]
    seconds: float


def engine_of_url(url: str) -> str:
    """``"sqlite"`` or ``"postgres"`` from a database URL; :class:`BackupError` otherwise."""
    engine = ENGINE_BY_SCHEME.get(urlsplit(url).scheme)
    if engine is None:
        raise BackupError(
            f"unsupported database URL {mask_url(url)!r}: use sqlite://PATH or "
            "postgres://user@host:5432/NAME"
        )
    return engine


def _verified_manifest(backup: Path) -> Manifest:
    """The backup's manifest; :class:`BackupError` when missing or not verified."""
    if not backup.is_file():
        raise BackupError(f"backup file not found: {backup}")
    manifest = read_manifest(backup)
    if manifest is None:
        raise BackupError(
            f"no readable manifest {backup.name}.json next to {backup}: "
            "the backup cannot be verified, refusing to restore it"
        )
    if not manifest.verified:
        raise BackupError(
            f"{backup.name} failed verification when it was made ({manifest.error}); "
            "refusing to restore it"
        )
    return manifest


async def restore_backup(backup: Path, url: str, *, force: bool = False,
                         report: ProgressReport = no_report) -> RestoreResult:
    """Restore ``backup`` into the database at ``url``; refuse a non-empty one unless forced.

    Raises :class:`BackupError` (and changes nothing) when the manifest is missing or
    unverified, the engines differ, the checksum does not match, or the target has rows.
    """
    started = time.monotonic()
    manifest = await asyncio.to_thread(_verified_manifest, backup)
    engine = engine_of_url(url)
    if manifest.engine != engine:
        raise BackupError(
            f"{backup.name} is a {manifest.engine} backup but the target "
            f"{mask_url(url)} is {engine}: restore a {engine} backup, or pass "
            f"--to with a {manifest.engine} URL"
        )
    report("checksum", None, None)
    checksum = await asyncio.to_thread(sha256_of, backup)
    if checksum != manifest.sha256:
        raise BackupError(
            f"checksum mismatch for {backup.name}: the file changed after the backup was "
            f"made (sha256 {checksum[:16]}..., manifest {manifest.sha256[:16]}...)"
        )
    report("check target", None, None)
    if engine == "sqlite":
        path = sqlite_path(url)
        if str(path) == ":memory:":
            raise BackupError("cannot restore into an in-memory SQLite database")
        occupied = await asyncio.to_thread(sqlite_table_with_rows, path)
    else:
        occupied = await pg_table_with_rows(PgTarget.from_url(url))
    if occupied and not force:
        raise BackupError(
            f"the target database {mask_url(url)} is not empty (table {occupied!r} has rows); "
            "pass --force to overwrite it"
        )
    if engine == "sqlite":
        tables = await asyncio.to_thread(restore_sqlite, backup, path, manifest.tables, report)
    else:
        tables = await restore_postgres(backup, url, manifest.tables, report)
    return RestoreResult(mask_url(url), engine, tables, time.monotonic() - started)
