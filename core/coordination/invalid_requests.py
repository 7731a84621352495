"""The bot's invalid REST answers (401, 403, 429) of the last 10 minutes, shared.

Discord bans an address for hours after 10,000 answers 401, 403 or 429 in 10 minutes
(429s with ``X-RateLimit-Scope: shared`` do not count). Every process adds its invalid
answers to one count kept in minute slots, and reads the total of the window (plus the
slot the window's start falls in, so the count errs high). The coordination backend
makes the counter (:meth:`core.coordination.backend.Coordination.make_invalid_counter`):

* Redis backend: keys ``<key>:<slot>`` that expire after the window, summed by a script
  on the server's clock.
* Local and PostgreSQL backends: an ``flock``-ed JSON file
  ``<database>.rest-invalid.lock`` of ``{slot: count}``.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import redis.asyncio as aioredis

Clock = Callable[[], float]

WINDOW_SECONDS = 600.0  # Discord's window of invalid requests
SLOT_SECONDS = 60.0

_ADD = """
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local window = tonumber(ARGV[3])
local slot = tonumber(ARGV[4])
local current = math.floor(now / slot)
local n = tonumber(ARGV[1])
if n > 0 then
  local key = KEYS[1] .. ':' .. current
  redis.call('INCRBY', key, n)
  redis.call('EXPIRE', key, math.ceil(window + 2 * slot))
end
local total = 0
for s = math.floor((now - window) / slot), current do
  total = total + (tonumber(redis.call('GET', KEYS[1] .. ':' .. s)) or 0)
end
return total
"""


def slots_in_window(now: float, window: float, slot: float) -> range:
    """The slot numbers counted at ``now``: the window's, with the one its start is in."""
    return range(math.floor((now - window) / slot), math.floor(now / slot) + 1)


class InvalidCounter(Protocol):
    """Adds invalid answers and reads the shared count of the window."""

    async def add(self, n: int = 1) -> int:
        """Add ``n`` (0 only reads) and return the window's count."""

    async def close(self) -> None:
        """Release connections."""


class RedisInvalidCounter:
    """Minute slots as expiring Redis keys, summed on the server."""

    def __init__(self, url: str, key: str, clock: Clock | None = None) -> None:
        self.key = key
        self.clock = clock  # None: the Redis server's clock
        self._redis = aioredis.from_url(url)
        self._add = self._redis.register_script(_ADD)

    async def add(self, n: int = 1) -> int:
        """Add ``n`` and return the window's count."""
        now = "" if self.clock is None else f"{self.clock():.6f}"
        args: list[str | float] = [n, now, WINDOW_SECONDS, SLOT_SECONDS]
        return int(await self._add(keys=[self.key], args=args))

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


class FileInvalidCounter:
    """Minute slots in a locked JSON file (one machine)."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self.clock = clock

    def add_now(self, n: int = 1) -> int:
        """Add ``n`` under the file's lock and return the window's count."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for one small read and write
            try:
                stored = json.loads(os.pread(fd, 1 << 16, 0) or b"{}")
            except ValueError:
                stored = {}
            counted = slots_in_window(self.clock(), WINDOW_SECONDS, SLOT_SECONDS)
            slots = {int(k): int(v) for k, v in dict(stored).items() if int(k) in counted}
            if n:
                slots[counted[-1]] = slots.get(counted[-1], 0) + n
                os.ftruncate(fd, 0)
                os.pwrite(fd, json.dumps(slots).encode(), 0)
            return sum(slots.values())
        finally:
            os.close(fd)

    async def add(self, n: int = 1) -> int:
        """Add ``n`` and return the window's count (the file work runs in a thread)."""
        return await asyncio.to_thread(self.add_now, n)

    async def close(self) -> None:
        """Nothing to release."""
