"""The coordination contract: what every engine (Redis, PostgreSQL, local files) provides.

A deployment coordinates its processes through exactly one backend, chosen once by
:func:`core.coordination.coordination_for`. A backend makes the four pieces every
process needs, each a new, unstarted object that its owner starts and closes:

- :meth:`~Coordination.make_lease`: the leader lease (:mod:`core.coordination.lease`).
- :meth:`~Coordination.make_identify_limiter`: IDENTIFY slots per bucket
  (:mod:`core.coordination.identify`).
- :meth:`~Coordination.make_bus`: the broadcast message bus (:mod:`core.coordination.bus`).
- :meth:`~Coordination.make_wakeups`: "a timer row falls due at T" for the leader's
  scheduler (:mod:`core.coordination.wakeups`); it travels on the same engine as the bus,
  on a channel of its own.
- :meth:`~Coordination.make_rate_bucket`, :meth:`~Coordination.make_route_buckets` and
  :meth:`~Coordination.make_invalid_counter`: the bot's global REST bucket
  (:mod:`core.coordination.rate_bucket`), its per-route buckets
  (:mod:`core.coordination.route_buckets`) and its count of invalid answers
  (:mod:`core.coordination.invalid_requests`), which
  :meth:`~Coordination.make_rest_budget` combines from ``[discord]``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from core.coordination.bus import Bus
from core.coordination.identify import IdentifyLimiter
from core.coordination.invalid_requests import InvalidCounter
from core.coordination.lease import LeaseBackend
from core.coordination.rate_bucket import RateBucket
from core.coordination.rest_budget import RestBudget
from core.coordination.route_buckets import RouteBuckets
from core.coordination.wakeups import Wakeups
from core.runtime.config import Settings


class Coordination(ABC):
    """One engine's lease, identify limiter, bus and wake-ups for one deployment."""

    engine: str  # "redis", "postgres" or "local": shown in logs and docs

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def make_lease(self, identity: str) -> LeaseBackend:
        """The lease for candidate ``identity`` (one per process; see ``[leader]``)."""

    @abstractmethod
    def make_identify_limiter(
        self, key: str, window: float, max_concurrency: int, margin: float = 0.0
    ) -> IdentifyLimiter:
        """One IDENTIFY per ``window + margin`` seconds per bucket of ``max_concurrency``;
        ``key`` names the buckets where the engine has a key space."""

    @abstractmethod
    def make_bus(self) -> Bus:
        """The message bus between every process of the deployment (not started)."""

    @abstractmethod
    def make_wakeups(self) -> Wakeups:
        """The wake-up channel from any process to the leader's scheduler."""

    @abstractmethod
    def make_rate_bucket(self, rate: float) -> RateBucket:
        """The bot's one global token bucket of ``rate`` requests per second."""

    @abstractmethod
    def make_route_buckets(self) -> RouteBuckets:
        """The bot's per-route buckets, learned from Discord's answers by every process."""

    @abstractmethod
    def make_invalid_counter(self) -> InvalidCounter:
        """The bot's one count of invalid REST answers in Discord's 10-minute window."""

    def make_rest_budget(self) -> RestBudget:
        """The REST budget ``[discord]`` asks for (no global bucket when the rate is 0, no
        shared route buckets when ``share_route_buckets`` is off)."""
        discord = self.settings.discord
        rate = discord.global_rate_per_second
        return RestBudget(
            self.make_rate_bucket(rate) if rate > 0 else None,
            self.make_invalid_counter(),
            invalid_limit=discord.invalid_request_limit,
            slow_share=discord.invalid_slow_share,
            routes=self.make_route_buckets() if discord.share_route_buckets else None,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} engine={self.engine}>"
