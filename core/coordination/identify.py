"""One IDENTIFY per window per bucket, across every process and machine.

Discord lets a bot IDENTIFY once per 5 s per bucket ``shard_id % max_concurrency``; more
is answered with INVALID_SESSION and costs a session start. The cluster worker's
``before_identify_hook`` waits here for a free slot of the shard's bucket. The
deployment's coordination backend makes the limiter
(:meth:`core.coordination.backend.Coordination.make_identify_limiter`):

* Redis backend: ``SET <key>:<bucket> token NX PX window+margin`` in one script that
  returns the remaining ``PTTL`` when the slot is taken, so waiters retry right when it
  frees. Works across machines.
* Local and PostgreSQL backends (one machine): an ``flock`` on
  ``<database>.identify-<bucket>.lock`` whose content is the wall-clock time of the last
  IDENTIFY of that bucket.

Taking a slot starts the bucket's window; :meth:`IdentifyLimiter.sent`, called once the
IDENTIFY is written, starts it again from that moment (when it is still ours), so a process
whose event loop stalled between the grant and the send does not shorten the next
holder's wait. The margin covers the rest: the network and Discord's side.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import random
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import redis.asyncio as aioredis

from core.db.database import sqlite_path
from core.runtime.config import Settings

_TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return -3
end
return redis.call('PTTL', KEYS[1])
"""

_RESTART = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""


class IdentifyLimiter(Protocol):
    """Waits until shard ``shard_id`` may IDENTIFY, and claims that slot."""

    max_concurrency: int  # buckets: shard ``n`` identifies in bucket ``n % max_concurrency``

    async def acquire(self, shard_id: int) -> None:
        """Return once this process holds the IDENTIFY slot of the shard's bucket."""

    async def sent(self, shard_id: int) -> None:
        """The shard's IDENTIFY was just written: its bucket's window starts now (a no-op
        once another process holds the bucket)."""

    async def close(self) -> None:
        """Release connections."""


class RedisIdentifyLimiter:
    """Buckets as Redis keys that expire one window after each IDENTIFY."""

    def __init__(
        self, url: str, key: str, window: float, max_concurrency: int, margin: float = 0.0
    ) -> None:
        self.key = key
        self.hold_ms = max(int((window + margin) * 1000), 1)
        self.max_concurrency = max(max_concurrency, 1)
        self.token = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._redis = aioredis.from_url(url)
        self._take = self._redis.register_script(_TAKE)
        self._restart = self._redis.register_script(_RESTART)

    def bucket_key(self, shard_id: int) -> str:
        """The Redis key of the shard's bucket."""
        return f"{self.key}:{shard_id % self.max_concurrency}"

    async def acquire(self, shard_id: int) -> None:
        """Take the bucket's slot, sleeping until the holder's window ends."""
        key = self.bucket_key(shard_id)
        while True:
            pttl = int(await self._take(keys=[key], args=[self.token, self.hold_ms]))
            if pttl == -3:
                return
            wait_ms = pttl if pttl > 0 else 5  # -2: just expired; -1: no expiry (never set so)
            await asyncio.sleep(min(wait_ms, self.hold_ms) / 1000 + random.uniform(0, 0.01))

    async def sent(self, shard_id: int) -> None:
        """Hold the bucket for a whole window from now, if this process still holds it."""
        await self._restart(keys=[self.bucket_key(shard_id)], args=[self.token, self.hold_ms])

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


class FileIdentifyLimiter:
    """Buckets as lock files holding the time of the last IDENTIFY (one machine)."""

    def __init__(
        self, directory: Path, stem: str, window: float, max_concurrency: int,
        margin: float = 0.0,
    ) -> None:
        self.directory = directory
        self.stem = stem
        self.hold = window + margin
        self.max_concurrency = max(max_concurrency, 1)
        self._written: dict[Path, str] = {}  # the time this process wrote, per lock file

    def bucket_path(self, shard_id: int) -> Path:
        """The lock file of the shard's bucket."""
        bucket = shard_id % self.max_concurrency
        return self.directory / f"{self.stem}.identify-{bucket}.lock"

    def _try_take(self, path: Path) -> float:
        """Take the slot (return 0) or return how long to wait before trying again."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0.005
            raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            last = float(raw) if re.fullmatch(r"\d+(\.\d+)?", raw) else 0.0
            now = time.time()
            wait = min(last + self.hold - now, self.hold)  # a clock set back waits one window
            if wait > 0:
                return wait
            self._write(fd, path, now)
            return 0.0
        finally:
            os.close(fd)  # also drops the flock

    def _write(self, fd: int, path: Path, now: float) -> None:
        stamp = f"{now:.6f}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, stamp.encode(), 0)
        self._written[path] = stamp

    def _restart(self, path: Path) -> None:
        """Write the time now over the time this process wrote (not over another's)."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for microseconds by any holder
            if os.pread(fd, 32, 0).decode("ascii", "replace").strip() == self._written.get(path):
                self._write(fd, path, time.time())
        finally:
            os.close(fd)

    async def acquire(self, shard_id: int) -> None:
        """Take the bucket's slot, sleeping until the last IDENTIFY's window ends."""
        path = self.bucket_path(shard_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        while (wait := self._try_take(path)) > 0:  # noqa: ASYNC110 - another process frees it
            await asyncio.sleep(wait + random.uniform(0, 0.005))

    async def sent(self, shard_id: int) -> None:
        """Start the bucket's window again from now, if the last IDENTIFY was this process's."""
        self._restart(self.bucket_path(shard_id))

    async def close(self) -> None:
        """Nothing to release: every attempt closes its file."""


def lock_location(settings: Settings) -> tuple[Path, str]:
    """(directory, file stem) of the local identify lock files for ``settings``."""
    url = settings.database.url.get_secret_value()
    if settings.database.dialect == "sqlite":
        database = sqlite_path(url)
        if str(database) == ":memory:":
            return Path(tempfile.gettempdir()), f"guildhall-memory-{os.getpid()}"
        return database.parent, database.name
    parts = urlsplit(url)
    name = f"{parts.hostname}-{parts.port or 5432}-{parts.path.lstrip('/')}"
    return Path("data"), re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
