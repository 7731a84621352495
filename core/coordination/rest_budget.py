"""The bot's REST budget across the cluster: the global bucket and the invalid breaker.

:class:`RestBudget` is asked before every request the bot sends and told every answer
(:mod:`core.bot.rest_budget` wires it into disnake's HTTP client):

* exempt requests (interaction responses, as Discord exempts them) pass at once;
* non-urgent requests (work marked with :func:`non_urgent`: role rewards, mass unbans,
  announcements) wait while the shared invalid count is at or above
  ``invalid_slow_share`` of ``invalid_request_limit``;
* every other request first reserves a request of its route's shared bucket
  (:mod:`core.coordination.route_buckets`: it waits while another process learned the
  bucket is empty), then takes a token of the shared global bucket.

Every answer's ``X-RateLimit-*`` headers are shared with the other processes.

Answers 401, 403 and 429 (but 429s scoped ``shared``) are added to the shared count.
When the backend cannot be reached (Redis down), requests go out unpaced and uncounted,
with a warning at most once a minute: the bot keeps working, Discord's own 429s still
pace it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import RedisError

from core.coordination.invalid_requests import InvalidCounter
from core.coordination.rate_bucket import Clock, RateBucket
from core.coordination.route_buckets import RouteAnswer, RouteBuckets, wait_for_route

log = logging.getLogger(__name__)
_UNREACHABLE = (RedisError, OSError)
_WARN_EVERY = 60.0

_URGENT: contextvars.ContextVar[bool] = contextvars.ContextVar("rest_urgent", default=True)

INVALID_STATUSES = frozenset({401, 403, 429})


@contextmanager
def non_urgent() -> Iterator[None]:
    """Mark the REST requests sent inside this block as work that may wait."""
    token = _URGENT.set(False)
    try:
        yield
    finally:
        _URGENT.reset(token)


def is_urgent() -> bool:
    """Whether the current task's requests are urgent (the default)."""
    return _URGENT.get()


def is_invalid(status: int, scope: str | None) -> bool:
    """Whether Discord counts this answer against the invalid-request limit."""
    return status in INVALID_STATUSES and not (status == 429 and scope == "shared")


class RestBudget:
    """One process's view of the bot's shared global bucket and invalid count."""

    def __init__(
        self,
        bucket: RateBucket | None,
        invalid: InvalidCounter,
        *,
        invalid_limit: int = 10_000,
        slow_share: float = 0.5,
        recheck_seconds: float = 1.0,
        clock: Clock = time.monotonic,
        routes: RouteBuckets | None = None,
    ) -> None:
        self.bucket = bucket  # None: no global pacing (rate 0)
        self.routes = routes  # None: per-route buckets are disnake's own (per process)
        self.route_waits = 0  # requests that waited on an empty shared route bucket
        self.invalid = invalid
        self.slow_at = max(int(invalid_limit * slow_share), 1)
        self.recheck_seconds = recheck_seconds
        self.clock = clock
        self.known_invalid = 0  # the count last read, at ``_read_at`` (clock seconds)
        self._read_at: float | None = None
        self.held = 0  # non-urgent requests waiting on the breaker now
        self.unreachable = 0  # requests sent without the backend's answer
        self._warned_at: float | None = None

    async def invalid_count(self) -> int:
        """The shared invalid count, read at most once per ``recheck_seconds``."""
        now = self.clock()
        if self._read_at is None or now - self._read_at >= self.recheck_seconds:
            self.known_invalid = await self.invalid.add(0)
            self._read_at = now
        return self.known_invalid

    async def before_request(self, *, exempt: bool, route: str = "", major: str = "") -> bool:
        """Wait until the request may be sent (``route``: ``"METHOD /template"``, ``major``:
        its channel, guild or webhook; empty: no route bucket). True: the request probes a
        route bucket nobody knows (pass it to :meth:`answered`)."""
        probe = False
        if exempt:
            return probe
        try:
            if not is_urgent():
                await self._breaker_closed()
            reserved = None
            if self.routes is not None and route:
                reserved = await wait_for_route(self.routes, route, major)
                probe = reserved.left == 0
                if reserved.wait > 0:
                    self.route_waits += 1
            if self.bucket is not None:
                started = self.clock()
                await self.bucket.acquire()
                if reserved is not None and 0 < reserved.left < self.clock() - started:
                    # the window the request was counted in ended while it waited for a
                    # token: count it in the one it will reach Discord in
                    assert self.routes is not None
                    await wait_for_route(self.routes, route, major)
        except _UNREACHABLE as exc:
            self._unreachable(exc)
        return probe

    async def _breaker_closed(self) -> None:
        if await self.invalid_count() < self.slow_at:
            return
        self.held += 1
        try:
            while await self.invalid_count() >= self.slow_at:  # noqa: ASYNC110 - shared count
                await asyncio.sleep(self.recheck_seconds)
        finally:
            self.held -= 1

    async def answered(
        self, status: int, scope: str | None, *, route: str = "", major: str = "",
        answer: RouteAnswer | None = None, probe: bool = False,
    ) -> None:
        """Share what the answer said of ``route``'s bucket (or, for a probe whose answer
        said nothing of it, let the next request go); count it if Discord counts it as
        invalid."""
        if self.routes is not None and route and (answer is not None or probe):
            try:
                if answer is not None:
                    await self.routes.learned(route, major, answer)
                else:
                    await self.routes.release(route, major)
            except _UNREACHABLE as exc:
                self._unreachable(exc)
        if not is_invalid(status, scope):
            return
        try:
            self.known_invalid = await self.invalid.add(1)
            self._read_at = self.clock()
        except _UNREACHABLE as exc:
            self._unreachable(exc)

    def _unreachable(self, exc: BaseException) -> None:
        """Let the request go on; warn at most once a minute."""
        self.unreachable += 1
        now = self.clock()
        if self._warned_at is None or now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning("the shared REST budget is unreachable (%s); sending unpaced",
                        type(exc).__name__)

    async def close(self) -> None:
        """Release the buckets' and the counter's connections."""
        if self.bucket is not None:
            await self.bucket.close()
        if self.routes is not None:
            await self.routes.close()
        await self.invalid.close()
