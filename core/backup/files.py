"""Backup files on disk: names, sidecar manifests, checksums, atomic writes, rotation.

A backup is two files in ``[backup] directory``: the backup itself
(``guildhall-sqlite-20261125T130000Z.db.gz`` or ``guildhall-postgres-...dump``) and its
manifest ``<backup>.json`` (engine, created_at, verified, row counts, sha256). Both are
written under a temporary name and renamed when complete, so a file with a final name is
never partial. Rotation and restore trust the manifest, never file modification times.

Backups hold every user's data, so they are private whatever the process umask: the
directory is ``0700`` and every file in it (partial, backup, manifest) ``0600``. The
tables in :data:`NOT_BACKED_UP` (dashboard logins, which hold Discord access tokens) are
left out of every backup; a restore leaves them empty.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

PREFIX = "guildhall-"
SUFFIXES = {"sqlite": ".db.gz", "postgres": ".dump"}
MANIFEST_SUFFIX = ".json"
PARTIAL_SUFFIX = ".partial"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PARTIAL_GRACE = timedelta(days=1)
DIRECTORY_MODE = 0o700
FILE_MODE = 0o600
NOT_BACKED_UP = frozenset({"web_sessions"})
"""Tables whose rows no backup holds (their schema is kept, so a restore leaves them empty)."""


class BackupError(Exception):
    """A backup or restore cannot be done; the message says what and what to do."""


class DatabaseUnreachable(BackupError):
    """The database to back up or restore into cannot be connected to (CLI exit code 3)."""


@dataclass
class Manifest:
    """What a backup file contains and whether it was verified."""

    engine: str
    created_at: str
    verified: bool
    tables: dict[str, int]
    sha256: str
    size_bytes: int
    file: str
    error: str | None = None

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return datetime.fromisoformat(self.created_at)

    @property
    def total_rows(self) -> int:
        """Rows in all tables together."""
        return sum(self.tables.values())


@dataclass(frozen=True)
class BackupFile:
    """A backup file in the directory, with its manifest when one exists."""

    path: Path
    manifest: Manifest | None

    @property
    def verified(self) -> bool:
        """True when a manifest says the file passed verification."""
        return self.manifest is not None and self.manifest.verified


def utc_now() -> datetime:
    """The current time in UTC (second precision, as in file names)."""
    return datetime.now(UTC).replace(microsecond=0)


def describe_os_error(exc: OSError, path: Path) -> str:
    """A readable reason for a filesystem failure (disk full, permissions, ...)."""
    if exc.errno == errno.ENOSPC:
        return f"disk full while writing {path}: free space or change [backup] directory"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {path}: permission denied (check [backup] directory)"
    return f"cannot write {path}: {exc.strerror or exc}"


def prepare_directory(directory: Path) -> Path:
    """Create the backup directory if needed and make it ``0700``; :class:`BackupError`
    when it cannot be used."""
    if directory.exists() and not directory.is_dir():
        raise BackupError(f"[backup] directory {directory} exists but is not a directory")
    try:
        directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
        if directory.stat().st_mode & 0o777 != DIRECTORY_MODE:
            os.chmod(directory, DIRECTORY_MODE)  # mkdir obeys the umask; an old one may be open
    except OSError as exc:
        raise BackupError(describe_os_error(exc, directory)) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise BackupError(f"[backup] directory {directory} is not writable")
    return directory


def final_path(directory: Path, engine: str, created: datetime) -> Path:
    """A not-yet-used final name carrying the UTC timestamp."""
    stem = f"{PREFIX}{engine}-{created.strftime(STAMP_FORMAT)}"
    suffix = SUFFIXES[engine]
    candidate = directory / f"{stem}{suffix}"
    counter = 1
    while candidate.exists() or manifest_path(candidate).exists():
        counter += 1
        candidate = directory / f"{stem}-{counter}{suffix}"
    return candidate


def partial_path(final: Path) -> Path:
    """A unique temporary name next to ``final`` (hidden, ends in ``.partial``)."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")


def manifest_path(backup: Path) -> Path:
    """The sidecar manifest of a backup file."""
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file (or directory entry) to stable storage."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_quietly(*paths: Path) -> None:
    """Delete files that may not exist (cleanup after a failure)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def publish(partial: Path, final: Path, manifest: Manifest) -> None:
    """Atomically give ``partial`` its final name, then write its manifest atomically."""
    manifest_tmp = partial_path(manifest_path(final))
    try:
        fsync_path(partial)
        os.chmod(partial, FILE_MODE)
        os.replace(partial, final)
        write_private(manifest_tmp, json.dumps(asdict(manifest), indent=2, sort_keys=True))
        fsync_path(manifest_tmp)
        os.replace(manifest_tmp, manifest_path(final))
        fsync_path(final.parent)
    except OSError as exc:
        remove_quietly(partial, manifest_tmp, final, manifest_path(final))
        raise BackupError(describe_os_error(exc, final)) from None


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode ``0600`` (whatever the umask), replacing any file."""
    remove_quietly(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    os.chmod(path, FILE_MODE)  # O_CREAT's mode is masked by the umask


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new ``0600`` file ``path``."""
    create_private(path)
    path.write_text(text)


def read_manifest(backup: Path) -> Manifest | None:
    """The manifest of ``backup``, or ``None`` when it is missing or unreadable."""
    path = manifest_path(backup)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {item.name for item in fields(Manifest)}
        manifest = Manifest(**{key: value for key, value in data.items() if key in known})
        return manifest if manifest.created.tzinfo is not None else None
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def list_backups(directory: Path) -> list[BackupFile]:
    """Backup files (final names only) in ``directory``, oldest first by manifest time."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if path.name.startswith(PREFIX) and path.name.endswith(tuple(SUFFIXES.values())):
            found.append(BackupFile(path, read_manifest(path)))
    return sorted(found, key=lambda item: _created(item))


def _created(item: BackupFile) -> datetime:
    if item.manifest is not None:
        return item.manifest.created
    return datetime.fromtimestamp(item.path.stat().st_mtime, UTC)


def newest_verified(directory: Path, engine: str | None = None) -> BackupFile | None:
    """The newest backup whose manifest says verified (optionally of one engine)."""
    verified = [
        item for item in list_backups(directory)
        if item.verified and (engine is None or item.manifest.engine == engine)  # type: ignore[union-attr]
    ]
    return verified[-1] if verified else None


def rotate(directory: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete backups past ``keep_days`` and stale partial/unverified files.

    The newest verified backup of each engine is always kept, however old. Unverified backups and
    leftover ``.partial`` files are removed once older than a day. Returns what was deleted.
    """
    now = now or utc_now()
    keep = {newest.path for engine in SUFFIXES if (newest := newest_verified(directory, engine))}
    deleted: list[Path] = []
    for item in list_backups(directory):
        if item.path in keep:
            continue
        age = now - _created(item)
        limit = timedelta(days=keep_days) if item.verified else PARTIAL_GRACE
        if age > limit:
            remove_quietly(item.path, manifest_path(item.path))
            deleted.append(item.path)
    for path in directory.glob(f".{PREFIX}*{PARTIAL_SUFFIX}") if directory.is_dir() else []:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if now - mtime > PARTIAL_GRACE:
            remove_quietly(path)
            deleted.append(path)
    return deleted


def require_counts(actual: dict[str, int], expected: dict[str, int], what: str) -> None:
    """:class:`BackupError` unless every table in ``expected`` has that many rows."""
    differences = [
        f"{name}: {actual.get(name)} != {rows}" for name, rows in expected.items()
        if actual.get(name) != rows
    ]
    if differences:
        raise BackupError(
            f"{what} row counts differ from the manifest: " + ", ".join(differences[:10])
        )
