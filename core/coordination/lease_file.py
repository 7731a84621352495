"""The leader lease without Redis: an exclusive ``flock`` on a file (one machine only).

The lock file is ``<sqlite database file>.leader.lock``; for a PostgreSQL URL without
Redis it is ``data/<key>-<host>-<port>-<database>.leader.lock`` under the working
directory (every worker of one machine shares it). The kernel drops the lock the moment
the holder dies, so a crashed leader is replaced within one candidate poll.

The fencing epoch is kept in the lock file itself: the first 20 bytes hold the last
epoch as decimal digits, rewritten in place and fsynced under the lock on every win. No
second file can drift from the lock, and nothing but the holder ever writes it. (The
elector also lifts it above the database fence, so a deleted lock file cannot hand out
an epoch that was already used.)
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from core.coordination.lease import Attempt, LeaseNotHeld
from core.db.database import sqlite_path
from core.runtime.config import Settings

EPOCH_WIDTH = 20


def lock_path(settings: Settings) -> Path:
    """The lock file used for ``settings`` when no Redis URL is configured."""
    url = settings.database.url.get_secret_value()
    if settings.database.dialect == "sqlite":
        database = sqlite_path(url)
        if str(database) == ":memory:":  # a private database: a private lock
            return Path(tempfile.gettempdir()) / f"guildhall-memory-{os.getpid()}.leader.lock"
        return Path(f"{database}.leader.lock")
    parts = urlsplit(url)
    name = f"{settings.leader.key}-{parts.hostname}-{parts.port or 5432}-{parts.path.lstrip('/')}"
    return Path("data") / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".leader.lock")


def _read_epoch(fd: int) -> int:
    raw = os.pread(fd, EPOCH_WIDTH, 0).strip(b"\0 \n")
    return int(raw) if raw.isdigit() else 0


def _write_epoch(fd: int, epoch: int) -> None:
    os.pwrite(fd, str(epoch).rjust(EPOCH_WIDTH).encode(), 0)
    os.fsync(fd)


class FileLease:
    """A lease held as an exclusive non-blocking ``flock`` on one file."""

    def __init__(self, path: Path | str, poll_seconds: float) -> None:
        self.path = Path(path)
        self.poll_seconds = poll_seconds
        self.description = f"file lock {self.path}"
        self._fd: int | None = None

    def _acquire_blocking(self) -> Attempt:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return Attempt(won=False, retry_after=self.poll_seconds)
        except BaseException:
            os.close(fd)
            raise
        try:
            epoch = _read_epoch(fd) + 1
            _write_epoch(fd, epoch)
        except BaseException:
            os.close(fd)  # closing drops the lock
            raise
        self._fd = fd
        return Attempt(won=True, epoch=epoch)

    async def try_acquire(self) -> Attempt:
        """Lock the file if no other process holds it; bump the epoch stored in it."""
        if self._fd is not None:
            raise LeaseNotHeld(f"{self.description}: already held by this backend")
        return await asyncio.to_thread(self._acquire_blocking)

    async def renew(self) -> bool:
        """A held flock does not expire; check the file was not replaced under us."""
        if self._fd is None:
            return False
        try:
            same = os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            await self.release()
        return same

    async def raise_epoch(self, at_least: int) -> int:
        """Lift the stored epoch to ``at_least`` while holding the lock."""
        fd = self._fd
        if fd is None:
            raise LeaseNotHeld(f"{self.description}: not held")
        epoch = _read_epoch(fd)
        if epoch < at_least:
            epoch = at_least
            await asyncio.to_thread(_write_epoch, fd, epoch)
        return epoch

    async def release(self) -> bool:
        """Unlock and close the file; ``False`` if this backend held nothing."""
        fd, self._fd = self._fd, None
        if fd is None:
            return False
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        return True

    async def close(self) -> None:
        """Release the lock if still held."""
        await self.release()
