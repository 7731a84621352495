"""Discord's per-route rate limits, learned from its answers and shared by every process.

Discord limits each route per bucket (the ``X-RateLimit-Bucket`` header: one bucket may
cover several routes) and per major parameter (the route's channel, guild or webhook id).
Every answer says how many requests the bucket has left (``X-RateLimit-Remaining``) and
when it refills (``X-RateLimit-Reset-After``). A process that learns this shares it, so
another process about to send to the same bucket and major parameter waits rather than
drawing a 429.

The shared state of one bucket and major parameter (:class:`RouteState`) is the
requests ``remaining`` until ``until`` (seconds on the backend's clock), the bucket's
``limit`` and the longest window seen (``span``):

* :meth:`RouteBuckets.reserve` before a request takes one of ``remaining`` (0 returned:
  send) or, none left, returns the seconds to wait. Once the window has passed, a new one
  starts with ``limit`` requests for ``span`` seconds. A bucket nobody knows lets one
  request through (the probe) and holds the others, re-checking every
  ``PROBE_POLL_SECONDS``, until its answer is shared (or ``PROBE_SECONDS`` passed);
  :meth:`RouteBuckets.release` frees them when the answer said nothing of the bucket.
* :meth:`RouteBuckets.learned` after an answer keeps, while the stored window runs, the
  fewer requests left and the later end (the stored state counts requests still in
  flight that Discord has not answered): the state errs towards waiting.

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
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import redis.asyncio as aioredis

Clock = Callable[[], float]
T = TypeVar("T")
ROUTE_MAP_SECONDS = 86_400  # the route-to-bucket map is kept a day after its last change

PROBE_SECONDS = 2.0  # how long the others wait for a probe's answer at most
PROBE_POLL_SECONDS = 0.02  # how often they look whether it came
KEEP_SECONDS = 60.0  # a bucket's limit and span are kept this long after its window

# the Lua twins of reserve() and merge(); the fields of a state hash are those of RouteState
_NOW = """
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function load(key)
  local v = redis.call('HMGET', key, 'remaining', 'until', 'limit', 'span', 'probe')
  if not v[1] or not v[2] then return nil end
  return {remaining = tonumber(v[1]), untl = tonumber(v[2]), limit = tonumber(v[3]) or 0,
          span = tonumber(v[4]) or 0, probe = v[5] == '1'}
end
local function store(key, s)
  redis.call('HSET', key, 'remaining', s.remaining, 'until', string.format('%.6f', s.untl),
             'limit', s.limit, 'span', string.format('%.6f', s.span),
             'probe', s.probe and '1' or '0')
  redis.call('PEXPIRE', key, math.ceil((s.untl - now + s.span + tonumber(ARGV[2])) * 1000))
end
"""

_RESERVE = _NOW + """
local bucket = ARGV[5]
if bucket == '' then bucket = redis.call('HGET', KEYS[1], ARGV[4]) or ARGV[4] end
local key = ARGV[3] .. ':' .. bucket .. ':' .. ARGV[6]
local probe_seconds, poll = tonumber(ARGV[7]), tonumber(ARGV[8])
local s = load(key)
local wait, left = 0, 0
if s == nil or (s.probe and now >= s.untl) or (now >= s.untl and s.limit < 1) then
  store(key, {remaining = 0, untl = now + probe_seconds, limit = 0, span = 0, probe = true})
elseif s.probe then
  wait = math.min(poll, s.untl - now)
elseif now >= s.untl then
  store(key, {remaining = s.limit - 1, untl = now + s.span, limit = s.limit, span = s.span,
              probe = false})
  left = s.span
elseif s.remaining >= 1 then
  redis.call('HSET', key, 'remaining', s.remaining - 1)
  left = s.untl - now
else
  wait = s.untl - now
end
return {bucket, string.format('%.6f', wait), string.format('%.6f', left)}
"""

_LEARNED = _NOW + """
if ARGV[4] ~= ARGV[5] then
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[10]))
end
local key = ARGV[3] .. ':' .. ARGV[5] .. ':' .. ARGV[6]
local remaining, reset_after = tonumber(ARGV[7]), tonumber(ARGV[8])
local limit = math.max(tonumber(ARGV[9]), remaining + 1)
local s = load(key)
local fresh = {remaining = remaining, untl = now + reset_after, limit = limit,
               span = reset_after, probe = false}
if s ~= nil then fresh.span = math.max(s.span, reset_after) end
if s == nil or s.probe or now >= s.untl then
  store(key, fresh)
  return 1
end
local merged = {remaining = math.min(s.remaining, remaining),
                untl = math.max(s.untl, fresh.untl), limit = limit, span = fresh.span,
                probe = false}
if merged.remaining == s.remaining and merged.untl == s.untl and merged.limit == s.limit
   and merged.span == s.span then
  return 0
end
store(key, merged)
return 1
"""


_RELEASE = """
local bucket = ARGV[3]
if bucket == '' then bucket = redis.call('HGET', KEYS[1], ARGV[2]) or ARGV[2] end
local key = ARGV[1] .. ':' .. bucket .. ':' .. ARGV[4]
if redis.call('HGET', key, 'probe') == '1' then redis.call('DEL', key) end
return 0
"""


@dataclass(frozen=True)
class RouteState:
    """Requests left until ``until`` (seconds of the bucket's clock), the bucket's ``limit``
    and longest window (``span``); ``probe``: a request went to learn them."""

    remaining: int
    until: float
    limit: int = 0
    span: float = 0.0
    probe: bool = False


class Reservation(NamedTuple):
    """Seconds to wait before asking again (0: a request is taken) and, when taken from a
    known window, the seconds left of that window (0: a probe, the window unknown)."""

    wait: float
    left: float = 0.0


def reserve(state: RouteState | None, now: float) -> tuple[RouteState | None, Reservation]:
    """Take one request: ``(new state or None for unchanged, the reservation)``."""
    if state is None or (now >= state.until and (state.probe or state.limit < 1)):
        return RouteState(0, now + PROBE_SECONDS, probe=True), Reservation(0.0)
    if state.probe:
        return None, Reservation(min(PROBE_POLL_SECONDS, state.until - now))
    if now >= state.until:  # a new window
        return (RouteState(state.limit - 1, now + state.span, state.limit, state.span),
                Reservation(0.0, state.span))
    if state.remaining >= 1:
        return (replace(state, remaining=state.remaining - 1),
                Reservation(0.0, state.until - now))
    return None, Reservation(state.until - now)


def merge(
    state: RouteState | None, now: float, remaining: int, reset_after: float, limit: int = 0
) -> RouteState | None:
    """The state after an answer (``None``: the stored one stands)."""
    limit = max(limit, remaining + 1)
    span = max(state.span, reset_after) if state is not None else reset_after
    fresh = RouteState(remaining, now + reset_after, limit, span)
    if state is None or state.probe or now >= state.until:
        return fresh
    merged = RouteState(min(state.remaining, remaining), max(state.until, fresh.until), limit,
                        span)
    return None if merged == state else merged


@dataclass(frozen=True)
class RouteAnswer:
    """What one answer says about its route's bucket (the ``X-RateLimit-*`` headers)."""

    bucket: str
    remaining: int
    reset_after: float
    limit: int = 0  # 0: not given

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
            limit = int(headers.get("X-RateLimit-Limit") or 0)
        except ValueError:
            return None
        if not bucket or remaining < 0 or not math.isfinite(reset_after) or reset_after < 0:
            return None
        return cls(str(bucket)[:64], remaining, min(reset_after, 3600.0), max(limit, 0))


class RouteBuckets(Protocol):
    """Reserves requests of the shared per-route buckets and learns them from answers."""

    async def reserve(self, route: str, major: str) -> Reservation:
        """Take a request of the route's bucket for ``major``, or say how long to wait."""

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Share what an answer of ``route`` for ``major`` said about its bucket."""

    async def release(self, route: str, major: str) -> None:
        """Forget a probe whose answer said nothing of its bucket (an error without rate
        limit headers, a global 429), so the next request goes at once."""

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
        self._release = self._redis.register_script(_RELEASE)

    def _now(self) -> str:
        return "" if self.clock is None else f"{self.clock():.6f}"

    async def reserve(self, route: str, major: str) -> Reservation:
        """Take a request, or say how long until the bucket may have one."""
        args: list[str | float] = [
            self._now(), KEEP_SECONDS, self.key, route, self.buckets.get(route, ""), major,
            PROBE_SECONDS, PROBE_POLL_SECONDS,
        ]
        bucket, wait, left = await self._reserve(keys=[f"{self.key}:routes"], args=args)
        if isinstance(bucket, bytes):
            bucket = bucket.decode()
        if bucket != route:
            self.buckets[route] = bucket
        return Reservation(float(wait), float(left))

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Store the answer's view unless the stored one has fewer requests left."""
        self.buckets[route] = answer.bucket
        args: list[str | int | float] = [
            self._now(), KEEP_SECONDS, self.key, route, answer.bucket, major, answer.remaining,
            f"{answer.reset_after:.6f}", answer.limit, ROUTE_MAP_SECONDS,
        ]
        await self._learned(keys=[f"{self.key}:routes"], args=args)

    async def release(self, route: str, major: str) -> None:
        """Delete the bucket's state if it is a probe."""
        args = [self.key, route, self.buckets.get(route, ""), major]
        await self._release(keys=[f"{self.key}:routes"], args=args)

    async def close(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()


class FileRouteBuckets:
    """The buckets in a locked JSON file (one machine): ``{"routes": {route: bucket},
    "states": {"<bucket>:<major>": [remaining, until, limit, span, probe]}}``, wall-clock
    seconds."""

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self.clock = clock

    def _update(self, change: Callable[[dict[str, Any], float], T]) -> T:
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
                 "states": {k: v for k, v in states.items() if _kept_until(v) > now}}
            ).encode()
            if updated != raw:
                write_over(fd, updated, len(raw))
            return result
        finally:
            os.close(fd)

    def reserve_now(self, route: str, major: str) -> Reservation:
        """:meth:`reserve` without the event loop."""

        def change(data: dict[str, Any], now: float) -> Reservation:
            key = f"{data['routes'].get(route, route)}:{major}"
            state, reservation = reserve(_state(data["states"].get(key)), now)
            if state is not None:
                data["states"][key] = list(astuple(state))
            return reservation

        return self._update(change)

    def learned_now(self, route: str, major: str, answer: RouteAnswer) -> None:
        """:meth:`learned` without the event loop."""

        def change(data: dict[str, Any], now: float) -> None:
            if answer.bucket != route:
                data["routes"][route] = answer.bucket
            key = f"{answer.bucket}:{major}"
            state = merge(_state(data["states"].get(key)), now, answer.remaining,
                          answer.reset_after, answer.limit)
            if state is not None:
                data["states"][key] = list(astuple(state))

        self._update(change)

    async def reserve(self, route: str, major: str) -> Reservation:
        """Take a request, or say how long until the bucket may have one."""
        return self.reserve_now(route, major)

    async def learned(self, route: str, major: str, answer: RouteAnswer) -> None:
        """Store the answer's view unless the stored one has fewer requests left."""
        self.learned_now(route, major, answer)

    def release_now(self, route: str, major: str) -> None:
        """:meth:`release` without the event loop."""

        def change(data: dict[str, Any], now: float) -> None:
            key = f"{data['routes'].get(route, route)}:{major}"
            state = _state(data["states"].get(key))
            if state is not None and state.probe:
                del data["states"][key]

        self._update(change)

    async def release(self, route: str, major: str) -> None:
        """Delete the bucket's state if it is a probe."""
        self.release_now(route, major)

    async def close(self) -> None:
        """Nothing to release: every call closes its file."""


def write_over(fd: int, content: bytes, old_length: int) -> None:
    """Replace a small file's ``old_length`` bytes with ``content``, padded with spaces
    (which JSON and the bucket's numbers ignore) rather than truncated: a truncate costs
    milliseconds on some filesystems, a padded write microseconds."""
    if len(content) < old_length <= 2 * len(content) + 4096:
        content += b" " * (old_length - len(content))
    elif len(content) < old_length:
        os.ftruncate(fd, 0)
    os.pwrite(fd, content, 0)


def _state(stored: Any) -> RouteState | None:
    try:
        remaining, until, limit, span, probe = stored
        return RouteState(int(remaining), float(until), int(limit), float(span), bool(probe))
    except (TypeError, ValueError):
        return None


def _kept_until(stored: Any) -> float:
    state = _state(stored)
    return state.until + state.span + KEEP_SECONDS if state is not None else 0.0


async def wait_for_route(buckets: RouteBuckets, route: str, major: str) -> Reservation:
    """Reserve a request of the route's bucket, sleeping while it is empty; the
    reservation (its ``wait``: the seconds slept)."""
    slept = 0.0
    while (reservation := await buckets.reserve(route, major)).wait > 0:
        await asyncio.sleep(reservation.wait)
        slept += reservation.wait
    return Reservation(slept, reservation.left)
