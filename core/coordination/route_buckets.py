"""Discord's per-route rate limits, learned from its answers and shared by every process.

Discord limits each route per bucket (the ``X-RateLimit-Bucket`` header: one bucket may
cover several routes) and per major parameter (the route's channel, guild or webhook id).
Every answer says how many requests the bucket has left (``X-RateLimit-Remaining``) and
when it refills (``X-RateLimit-Reset-After``). A process that learns this shares it, so
another process about to send to the same bucket and major parameter waits rather than
drawing a 429.

The shared state of one bucket and major parameter is ``remaining`` requests until
``until`` (seconds on the backend's clock):

* :meth:`RouteBuckets.reserve` before a request: while ``until`` is ahead, take one of
  ``remaining`` (0 returned: send) or, none left, return the seconds to wait; a bucket
  nobody has learned (or whose window passed) lets the request go.
* :meth:`RouteBuckets.learned` after an answer: keep whichever view has fewer requests
  left (the stored one counts requests still in flight that Discord has not answered), so
  the state errs towards waiting, for at most one window.

Until a process knows a route's bucket, the route itself (``"GET /channels/{channel_id}"``)
names it. The route-to-bucket map is shared too, so a process that never sent a route
waits on the bucket another process learned. The coordination backend makes the buckets
(:meth:`core.coordination.backend.Coordination.make_route_buckets`):

* Redis backend: hashes ``<key>:<bucket>:<major>`` expiring with their window and the
  map ``<key>:routes``, updated by scripts on the server's clock.
* Local and PostgreSQL backends (one machine): an ``flock``-ed JSON file
  ``<database>.rest-routes.lock``.

Both run :func:`reserve` and :func:`merge`; a test injects the clock.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import redis.asyncio as aioredis

Clock = Callable[[], float]
ROUTE_MAP_SECONDS = 86_400  # the route-to-bucket map is kept a day after its last change

_RESERVE = """
local now
if ARGV[5] ~= '' then
  now = tonumber(ARGV[5])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local bucket = ARGV[3]
if bucket == '' then bucket = redis.call('HGET', KEYS[1], ARGV[2]) or ARGV[2] end
local key = ARGV[1] .. ':' .. bucket .. ':' .. ARGV[4]
local state = redis.call('HMGET', key, 'remaining', 'until')
if not state[1] or not state[2] or now >= tonumber(state[2]) then return {bucket, '0'} end
local remaining = tonumber(state[1])
if remaining >= 1 then
  redis.call('HSET', key, 'remaining', remaining - 1)
  return {bucket, '0'}
end
return {bucket, string.format('%.6f', tonumber(state[2]) - now)}
"""

_LEARNED = """
local now
if ARGV[7] ~= '' then
  now = tonumber(ARGV[7])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
if ARGV[2] ~= ARGV[3] then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
end
local key = ARGV[1] .. ':' .. ARGV[3] .. ':' .. ARGV[4]
local remaining = tonumber(ARGV[5])
local reset_after = tonumber(ARGV[6])
local state = redis.call('HMGET', key, 'remaining', 'until')
if state[1] and state[2] and now < tonumber(state[2]) and tonumber(state[1]) <= remaining then
  return 0
end
redis.call('HSET', key, 'remaining', remaining, 'until', string.format('%.6f', now + reset_after))
redis.call('PEXPIRE', key, math.ceil(reset_after * 1000) + 1000)
return 1
"""


@dataclass(frozen=True)
class RouteState:
    """Requests the bucket has left until ``until`` (seconds of the bucket's clock)."""

    remaining: int
    until: float


def reserve(state: RouteState | None, now: float) -> tuple[RouteState | None, float]:
    """Take one request of ``state``: ``(new state, 0)`` or ``(state, seconds to wait)``.

    No state, or a window that has passed, is a bucket nobody knows: the request goes.
    """
    if state is None or now >= state.until:
        return None, 0.0
    if state.remaining >= 1:
        return RouteState(state.remaining - 1, state.until), 0.0
    return state, state.until - now


def merge(
    state: RouteState | None, now: float, remaining: int, reset_after: float
) -> RouteState | None:
    """The state after an answer: the stored one while it is current and no fuller
    (``None``: keep it), else the answer's."""
    if state is not None and now < state.until and state.remaining <= remaining:
        return None
    return RouteState(remaining, now + reset_after)


@dataclass(frozen=True)
class RouteAnswer:
    """What one answer says about its route's bucket (the ``X-RateLimit-*`` headers)."""

    bucket: str
    remaining: int
    reset_after: float

    @classmethod
    def from_headers(cls, status: int, headers: Any) -> RouteAnswer | None:
        """Read the headers of an answer; ``None`` for a global 429 or no bucket headers.

        A per-route 429 leaves nothing until its ``Retry-After``."""
        if status == 429 and (
            headers.get("X-RateLimit-Global") or headers.get("X-RateLimit-Scope") == "global"
        ):
            return None
        bucket = headers.get("X-RateLimit-Bucket")
        try:
            remaining = 0 if status == 429 else int(headers.get("X-RateLimit-Remaining", ""))
            reset_after = float(
                headers.get("X-RateLimit-Reset-After") or headers.get("Retry-After", "")
            )
        except ValueError:
            return None
        if not bucket or remaining < 0 or not math.isfinite(reset_after) or reset_after < 0:
            return None
        return cls(str(bucket)[:64], remaining, min(reset_after, 3600.0))


class RouteBuckets(Protocol):
    """Reserves requests of the shared per-route buckets and learns them from answers."""

    async def reserve(self, route: str, major: str) -> float:
        """Take a request of the route's bucket for ``major``: 0, or seconds to wait."""

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Share what an answer of ``route`` for ``major`` said about its bucket."""

    async def close(self) -> None:
        """Release connections."""


class RedisRouteBuckets:
    """The buckets as Redis hashes updated atomically on the server's clock."""

    def __init__(self, url: str, key: str, clock: Clock | None = None) -> None:
        self.key = key
        self.clock = clock  # None: the Redis server's clock (one clock for every machine)
        self.buckets: dict[str, str] = {}  # route -> bucket, as this process learned them
        self._redis = aioredis.from_url(url)
        self._reserve = self._redis.register_script(_RESERVE)
        self._learned = self._redis.register_script(_LEARNED)

    def _now(self) -> str:
        return "" if self.clock is None else f"{self.clock():.6f}"

    async def reserve(self, route: str, major: str) -> float:
        """Take a request (return 0) or return the seconds until the bucket refills."""
        args = [self.key, route, self.buckets.get(route, ""), major, self._now()]
        bucket, wait = await self._reserve(keys=[f"{self.key}:routes"], args=args)
        if isinstance(bucket, bytes):
            bucket = bucket.decode()
        if bucket != route:
            self.buckets[route] = bucket
        return float(wait)

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Store the answer's view unless the stored one has fewer requests left."""
        self.buckets[route] = answer.bucket
        args: list[str | int] = [self.key, route, answer.bucket, major, answer.remaining,
                f"{answer.reset_after:.6f}", self._now(), ROUTE_MAP_SECONDS]
        await self._learned(keys=[f"{self.key}:routes"], args=args)

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


class FileRouteBuckets:
    """The buckets in a locked JSON file (one machine): ``{"routes": {route: bucket},
    "states": {"<bucket>:<major>": [remaining, until]}}``, wall-clock seconds."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self.clock = clock

    def _update(self, change: Callable[[dict[str, Any], float], float]) -> float:
        """Run ``change`` on the file's content under its lock; write it if changed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for one small read and write
            raw = os.pread(fd, 1 << 20, 0)
            try:
                content = json.loads(raw or b"{}")
                routes, states = dict(content.get("routes", {})), dict(content["states"])
            except (ValueError, KeyError, TypeError, AttributeError):
                routes, states = {}, {}
            now = self.clock()
            data = {"routes": routes, "states": states}
            result = change(data, now)
            updated = json.dumps(
                {"routes": routes,
                 "states": {k: v for k, v in states.items() if _until(v) > now}}
            ).encode()
            if updated != raw:
                os.ftruncate(fd, 0)
                os.pwrite(fd, updated, 0)
            return result
        finally:
            os.close(fd)

    def reserve_now(self, route: str, major: str) -> float:
        """:meth:`reserve` without the event loop."""

        def change(data: dict[str, Any], now: float) -> float:
            key = f"{data['routes'].get(route, route)}:{major}"
            stored = data["states"].get(key)
            state, wait = reserve(_state(stored), now)
            if state is not None:
                data["states"][key] = [state.remaining, state.until]
            return wait

        return self._update(change)

    def learned_now(self, route: str, major: str, answer: RouteAnswer) -> None:
        """:meth:`learned` without the event loop."""

        def change(data: dict[str, Any], now: float) -> float:
            if answer.bucket != route:
                data["routes"][route] = answer.bucket
            key = f"{answer.bucket}:{major}"
            state = merge(_state(data["states"].get(key)), now, answer.remaining,
                          answer.reset_after)
            if state is not None:
                data["states"][key] = [state.remaining, state.until]
            return 0.0

        self._update(change)

    async def reserve(self, route: str, major: str) -> float:
        """Take a request (return 0) or return the seconds until the bucket refills."""
        return self.reserve_now(route, major)

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Store the answer's view unless the stored one has fewer requests left."""
        self.learned_now(route, major, answer)

    async def close(self) -> None:
        """Nothing to release: every call closes its file."""


def _state(stored: Any) -> RouteState | None:
    try:
        return RouteState(int(stored[0]), float(stored[1]))
    except (TypeError, ValueError, IndexError):
        return None


def _until(stored: Any) -> float:
    state = _state(stored)
    return state.until if state is not None else 0.0


async def wait_for_route(buckets: RouteBuckets, route: str, major: str) -> float:
    """Reserve a request of the route's bucket, sleeping while it is empty; the seconds
    slept."""
    slept = 0.0
    while (wait := await buckets.reserve(route, major)) > 0:
        await asyncio.sleep(wait)
        slept += wait
    return slept
