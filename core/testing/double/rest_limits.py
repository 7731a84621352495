"""Discord's bot-wide REST limits in the double: the global rate and invalid requests.

* Global limit: each bot token has a token bucket of ``global_rate_per_second`` requests
  per second holding one second of requests, across every connection and process (the
  double's reading of "50 requests per second"). A request over it is answered 429 with
  ``global: true``. Interaction responses and webhook routes are exempt, as on Discord.
  ``DoubleConfig.global_rate_per_second = None`` (the default) does not enforce it.
* Invalid requests: answers 401, 403 and 429 (but 429s scoped ``shared``) are counted per
  client address over 10 minutes, as Discord counts them before banning an address.

Tests read :attr:`RestLimits.global_429s`, :meth:`RestLimits.invalid_count` and
:attr:`RestLimits.sent` (requests per bot token).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable

from core.coordination.rate_bucket import BucketState, take

INVALID_WINDOW = 600.0
_EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


class RestLimits:
    """The global bucket per bot token and the invalid answers per address."""

    def __init__(
        self, rate: Callable[[], float | None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate  # read per request: a test may change the config while running
        self.clock = clock
        self.buckets: dict[str, BucketState] = {}
        self.global_429s = 0
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
