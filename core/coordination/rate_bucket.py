"""The bot's global REST rate as one token bucket shared by every process.

Discord allows a bot 50 requests per second in total, whatever the number of processes
and machines (``[discord] global_rate_per_second``). Every non-exempt request takes one
token before it is sent (:mod:`core.bot.rest_budget`). The bucket holds at most a tenth
of a second of tokens, so requests delayed up to 0.9 s after their token do not bunch
above Discord's own one-second bucket (:func:`capacity_for`).
The deployment's coordination backend makes the bucket
(:meth:`core.coordination.backend.Coordination.make_rate_bucket`):

* Redis backend: one hash ``<key>`` (``tokens``, ``at``) updated by a script on the
  server's clock (``TIME``), so every machine sees one bucket.
* Local and PostgreSQL backends (one machine): an ``flock``-ed file
  ``<database>.rest-global.lock`` holding ``tokens at`` (wall-clock seconds).

Both run :func:`take`'s arithmetic; a test injects the clock.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import redis.asyncio as aioredis

Clock = Callable[[], float]
EPSILON = 1e-6

_TAKE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now
if ARGV[3] ~= '' then
  now = tonumber(ARGV[3])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if state[1] and state[2] then
  local elapsed = math.max(now - tonumber(state[2]), 0)
  tokens = math.min(capacity, tonumber(state[1]) + elapsed * rate)
end
local wait = 0
if tokens >= 1 - 1e-6 then tokens = math.max(tokens - 1, 0) else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens),
           'at', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return string.format('%.6f', wait)
"""


@dataclass(frozen=True)
class BucketState:
    """Tokens left at time ``at`` (seconds of the bucket's clock)."""

    tokens: float
    at: float


HEADROOM_SECONDS = 0.9


def capacity_for(rate: float) -> float:
    """Tokens the bucket holds at most: a tenth of a second of requests, at least one.

    Discord's (and the double's) bucket holds one second of requests. A request reaches
    it some delay after taking its token (event-loop lag in the sender, a connection,
    lag in the receiver): requests of an interval then arrive together with those of a
    later one. Any interval of arrivals holds at most ``capacity + rate * (T + delay)``
    requests, Discord allows ``rate * (1 + T)``: no 429 while the delay stays within
    :func:`tolerated_delay` = ``1 - capacity / rate``, 0.9 s here (half a second of
    tokens tolerated only 0.5 s, and the scale bench saw 429s)."""
    return max(rate * (1 - HEADROOM_SECONDS), 1.0)


def tolerated_delay(rate: float, capacity: float, limit_seconds: float = 1.0) -> float:
    """The longest delay between taking a token and reaching a bucket of
    ``limit_seconds`` of requests at the same ``rate`` that can never exceed it."""
    return max(limit_seconds - capacity / rate, 0.0)


def take(
    state: BucketState | None, now: float, rate: float, capacity: float
) -> tuple[BucketState, float]:
    """Take one token: ``(new state, 0)``, or ``(new state, seconds until one is free)``.

    A missing state is a full bucket; a clock set back refills nothing.
    """
    tokens = capacity
    if state is not None:
        tokens = min(capacity, state.tokens + max(now - state.at, 0.0) * rate)
    if tokens >= 1 - EPSILON:  # stored with 6 decimals: a refilled token may read 0.999999
        return BucketState(max(tokens - 1, 0.0), now), 0.0
    return BucketState(tokens, now), (1 - tokens) / rate


class RateBucket(Protocol):
    """Waits for a token of the shared bucket."""

    async def acquire(self) -> None:
        """Return once this process holds one token."""

    async def close(self) -> None:
        """Release connections."""


async def _wait_for_token(try_take: Callable[[], float]) -> None:
    """Sleep until ``try_take`` reports 0 (a token taken); it returns the wait otherwise."""
    while (wait := try_take()) > 0:  # noqa: ASYNC110 - another process frees tokens
        await asyncio.sleep(wait + random.uniform(0, 0.002))


class RedisRateBucket:
    """The bucket as a Redis hash updated atomically on the server's clock."""

    def __init__(
        self, url: str, key: str, rate: float, clock: Clock | None = None
    ) -> None:
        self.key = key
        self.rate = rate
        self.capacity = capacity_for(rate)
        self.clock = clock  # None: the Redis server's clock (one clock for every machine)
        self._redis = aioredis.from_url(url)
        self._take = self._redis.register_script(_TAKE)

    async def try_take(self) -> float:
        """Take a token (return 0) or return the seconds until one is free."""
        now = "" if self.clock is None else f"{self.clock():.6f}"
        raw = await self._take(keys=[self.key], args=[self.rate, self.capacity, now])
        return float(raw)

    async def acquire(self) -> None:
        """Take a token, sleeping while the bucket is empty."""
        while (wait := await self.try_take()) > 0:  # noqa: ASYNC110 - other processes take
            await asyncio.sleep(wait + random.uniform(0, 0.002))

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


class FileRateBucket:
    """The bucket as a lock file holding ``tokens at`` (one machine)."""

    def __init__(self, path: Path, rate: float, clock: Clock = time.time) -> None:
        self.path = path
        self.rate = rate
        self.capacity = capacity_for(rate)
        self.clock = clock

    def try_take(self) -> float:
        """Take a token (return 0) or return the seconds until one is free."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0.001
            raw = os.pread(fd, 64, 0).decode("ascii", "replace").split()
            state = None
            if len(raw) == 2 and all(re.fullmatch(r"-?\d+(\.\d+)?", part) for part in raw):
                state = BucketState(float(raw[0]), float(raw[1]))
            state, wait = take(state, self.clock(), self.rate, self.capacity)
            content = f"{state.tokens:.6f} {state.at:.6f}".encode()
            os.pwrite(fd, content.ljust(64), 0)  # a fixed length: no truncate (milliseconds)
            return wait
        finally:
            os.close(fd)  # also drops the flock

    async def acquire(self) -> None:
        """Take a token, sleeping while the bucket is empty."""
        await _wait_for_token(self.try_take)

    async def close(self) -> None:
        """Nothing to release: every attempt closes its file."""
