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
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from core.coordination.bus import Bus
from core.coordination.identify import IdentifyLimiter
from core.coordination.lease import LeaseBackend
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

    def __repr__(self) -> str:
        return f"<{type(self).__name__} engine={self.engine}>"
