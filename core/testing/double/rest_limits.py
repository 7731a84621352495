"""Discord's REST limits in the double: the global rate, per-route buckets, invalid requests.

* Global limit: each bot token has a token bucket of ``global_rate_per_second`` requests
  per second holding one second of requests, across every connection and process (the
  double's reading of "50 requests per second"). A request over it is answered 429 with
  ``global: true``, ``X-RateLimit-Global: true`` and ``X-RateLimit-Scope: global``.
  Interaction responses and webhook routes are exempt, as on Discord.
  ``DoubleConfig.global_rate_per_second = None`` (the default) does not enforce it.
* Per-route buckets: with ``DoubleConfig.route_limit = (limit, seconds)`` every route
  (method and template; ``X-RateLimit-Bucket`` names it) allows ``limit`` requests per
  window of ``seconds`` per bot token and major parameter (the path's channel, guild or
  webhook id), the window starting at its first request. Every answer carries the
  bucket's ``X-RateLimit-Limit``, ``-Remaining``, ``-Reset``, ``-Reset-After`` and
  ``-Bucket``; a request over it is answered 429 with ``global: false``,
  ``X-RateLimit-Scope: user`` and ``retry_after`` until the window ends. Interaction
  callbacks are not limited. ``None`` (the default) does not enforce buckets; answers
  then carry fixed headers with requests left.
* Invalid requests: answers 401, 403 and 429 (but 429s scoped ``shared``) are counted per
  client address over 10 minutes, as Discord counts them before banning an address.

Tests read :attr:`RestLimits.global_429s`, :attr:`RestLimits.route_429s`,
:meth:`RestLimits.invalid_count` and :attr:`RestLimits.sent` (requests per bot token).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from core.coordination.rate_bucket import BucketState, take

INVALID_WINDOW = 600.0
_EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")
MAJOR_PARAMETERS = ("channel_id", "guild_id", "webhook_id")
_PRUNE_AT = 50_000  # route windows kept before the ended ones are dropped (a scale run)


def bucket_of(method: str, route: str) -> str:
    """The ``X-RateLimit-Bucket`` of a route: one per method and template."""
    return hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:16]


def major_of(params: Mapping[str, str]) -> str:
    """The path's top-level resource (channel, guild or webhook id), or ``""``."""
    for name in MAJOR_PARAMETERS:
        if name in params:
            return f"{name}={params[name]}"
    return ""


@dataclass(frozen=True)
class RouteVerdict:
    """One request's place in its route bucket: its headers, and whether it is over."""

    bucket: str
    limit: int
    remaining: int
    reset_after: float
    over: bool

    def headers(self) -> dict[str, str]:
        """The ``X-RateLimit-*`` headers Discord sends with every answer of the route."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": f"{time.time() + self.reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{self.reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket,
        }


@dataclass
class _Window:
    used: int
    ends: float


class RestLimits:
    """The global bucket per bot token, route buckets and the invalid answers per address."""

    def __init__(
        self,
        rate: Callable[[], float | None],
        clock: Callable[[], float] = time.monotonic,
        route_limit: Callable[[], tuple[int, float] | None] = lambda: None,
    ) -> None:
        self.rate = rate  # read per request: a test may change the config while running
        self.route_limit = route_limit
        self.clock = clock
        self.buckets: dict[str, BucketState] = {}
        self.windows: dict[tuple[str, str, str], _Window] = {}
        self.global_429s = 0
        self.route_429s: Counter[str] = Counter()  # per-route 429s by bucket
        self.sent: Counter[str] = Counter()  # requests per Authorization token, exempt ones too
        self._invalid: dict[str, deque[float]] = {}

    def over_global(self, authorization: str, route: str) -> float | None:
        """Seconds to retry after when this request breaks the bot's global limit, else None."""
        self.sent[authorization] += 1
        rate = self.rate()
        if rate is None or not authorization.startswith("Bot ") or route.startswith(
            _EXEMPT_PREFIXES
        ):
            return None
        state, wait = take(self.buckets.get(authorization), self.clock(), rate, max(rate, 1.0))
        self.buckets[authorization] = state
        if wait <= 0:
            return None
        self.global_429s += 1
        return wait

    def route_verdict(
        self, who: str, method: str, route: str, params: Mapping[str, str]
    ) -> RouteVerdict | None:
        """Spend a request of the route's bucket for ``who`` (token or address); ``None``
        when route buckets are off or the route is not limited."""
        setting = self.route_limit()
        if setting is None or route.startswith("/interactions/"):
            return None
        limit, seconds = setting
        bucket = bucket_of(method, route)
        now = self.clock()
        window = self.windows.get((who, bucket, major_of(params)))
        if window is None or now >= window.ends:
            if len(self.windows) >= _PRUNE_AT:
                self.windows = {k: w for k, w in self.windows.items() if w.ends > now}
            window = self.windows[(who, bucket, major_of(params))] = _Window(0, now + seconds)
        if window.used >= limit:
            self.route_429s[bucket] += 1
            return RouteVerdict(bucket, limit, 0, window.ends - now, over=True)
        window.used += 1
        return RouteVerdict(bucket, limit, limit - window.used, window.ends - now, over=False)

    def answered(self, address: str, status: int, scope: str | None) -> None:
        """Count an invalid answer the way Discord does."""
        if status in (401, 403, 429) and not (status == 429 and scope == "shared"):
            self._invalid.setdefault(address, deque()).append(self.clock())

    def invalid_count(self, address: str = "127.0.0.1") -> int:
        """Invalid answers to ``address`` in the last 10 minutes."""
        times = self._invalid.get(address, deque())
        while times and times[0] <= self.clock() - INVALID_WINDOW:
            times.popleft()
        return len(times)
