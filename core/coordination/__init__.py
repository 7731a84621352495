"""Coordination between processes: one backend per engine (Redis, PostgreSQL, local files)
providing the leader lease, the identify limiter, the bus and the wake-ups; chosen once by
:func:`coordination_for`."""

from core.coordination.backend import Coordination
from core.coordination.choice import coordination_for

__all__ = ["Coordination", "coordination_for"]
