"""Rate limits of the login endpoints (``/login`` and ``/auth/callback``).

Each request counts against its client address (``X-Forwarded-For`` only behind a trusted
proxy) and against the whole dashboard process, in a sliding window of
``[web] login_window_seconds``. Past either limit the answer is 429 with ``Retry-After``
and nothing is sent to Discord, so junk callbacks cannot make the bot's shared address
exchange codes by the hundred. When Discord itself answers a token exchange with 429, every
login waits out its ``Retry-After`` here instead of retrying.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_ADDRESSES = 10_000


class LoginLimits:
    """Sliding-window counters per address and in total, plus Discord's own pause."""

    def __init__(self, per_address: int, total: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_address = per_address
        self.total = total
        self.window = window
        self.clock = clock
        self._by_address: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._discord_until = 0.0

    def _expire(self, stamps: deque[float], now: float) -> None:
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()

    def _prune(self, now: float) -> None:
        for address in list(self._by_address):
            self._expire(self._by_address[address], now)
            if not self._by_address[address]:
                del self._by_address[address]
        if len(self._by_address) >= MAX_ADDRESSES:  # a flood of addresses: keep the total
            self._by_address.clear()

    def _wait(self, stamps: deque[float], now: float) -> float:
        return stamps[0] + self.window - now

    def hit(self, address: str) -> int | None:
        """Count a request from ``address``: ``None`` when allowed, else the whole seconds
        to wait (``Retry-After``); a refused request is not counted."""
        now = self.clock()
        if now < self._discord_until:
            return max(1, math.ceil(self._discord_until - now))
        self._expire(self._all, now)
        if len(self._all) >= self.total:
            return max(1, math.ceil(self._wait(self._all, now)))
        mine = self._by_address.get(address)
        if mine is None:
            if len(self._by_address) >= MAX_ADDRESSES:
                self._prune(now)
            mine = self._by_address.setdefault(address, deque())
        self._expire(mine, now)
        if len(mine) >= self.per_address:
            return max(1, math.ceil(self._wait(mine, now)))
        mine.append(now)
        self._all.append(now)
        return None

    def discord_refused(self, retry_after: float) -> int:
        """Discord answered 429: no login reaches it for ``retry_after`` seconds (at least
        one, at most an hour); the whole seconds to tell the visitor."""
        pause = min(3600.0, max(1.0, retry_after))
        self._discord_until = max(self._discord_until, self.clock() + pause)
        return math.ceil(pause)
