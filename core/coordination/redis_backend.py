"""The Redis backend: every piece on the Redis server of ``[redis] url`` (many machines).

Lease: ``SET NX PX`` on ``[leader] key`` with its fencing counter; identify slots:
expiring keys under the cluster's identify key; REST budget: ``<leader key>:rest:global``,
``<leader key>:rest:route:<bucket>:<major>`` (and the map ``<leader key>:rest:route:routes``)
and ``<leader key>:rest:invalid:<minute>``; bus and wake-ups: pub/sub on
``<leader key>:bus`` and ``<leader key>:wakeup``.
"""

from __future__ import annotations

from core.coordination.backend import Coordination
from core.coordination.bus import Bus, RedisBus
from core.coordination.identify import IdentifyLimiter, RedisIdentifyLimiter
from core.coordination.invalid_requests import InvalidCounter, RedisInvalidCounter
from core.coordination.lease import LeaseBackend
from core.coordination.lease_redis import RedisLease
from core.coordination.rate_bucket import RateBucket, RedisRateBucket
from core.coordination.route_buckets import RedisRouteBuckets, RouteBuckets
from core.coordination.wakeups import RedisWakeups, Wakeups


class RedisCoordination(Coordination):
    """Coordination through one Redis server; works across machines."""

    engine = "redis"

    @property
    def url(self) -> str:
        """The Redis URL (a secret: never logged)."""
        return self.settings.redis.url.get_secret_value()

    def make_lease(self, identity: str) -> LeaseBackend:
        """A Redis lease; every call is bounded by the renewal interval (at most 2 s)."""
        leader = self.settings.leader
        return RedisLease(self.url, leader.key, leader.ttl_seconds, identity,
                          op_timeout=min(leader.renew_seconds, 2.0))

    def make_identify_limiter(
        self, key: str, window: float, max_concurrency: int, margin: float = 0.0
    ) -> IdentifyLimiter:
        """Buckets as Redis keys ``<key>:<bucket>``."""
        return RedisIdentifyLimiter(self.url, key, window, max_concurrency, margin)

    def make_rate_bucket(self, rate: float) -> RateBucket:
        """A Redis hash ``<leader key>:rest:global`` on the server's clock."""
        return RedisRateBucket(self.url, f"{self.settings.leader.key}:rest:global", rate)

    def make_route_buckets(self) -> RouteBuckets:
        """Hashes ``<leader key>:rest:route:<bucket>:<major>`` on the server's clock."""
        return RedisRouteBuckets(self.url, f"{self.settings.leader.key}:rest:route")

    def make_invalid_counter(self) -> InvalidCounter:
        """Minute keys ``<leader key>:rest:invalid:<minute>``."""
        return RedisInvalidCounter(self.url, f"{self.settings.leader.key}:rest:invalid")

    def make_bus(self) -> Bus:
        """Pub/sub on ``<leader key>:bus``."""
        return RedisBus(self.url, f"{self.settings.leader.key}:bus")

    def make_wakeups(self) -> Wakeups:
        """Pub/sub on ``<leader key>:wakeup``."""
        return RedisWakeups(self.url, f"{self.settings.leader.key}:wakeup")
