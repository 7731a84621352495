"""The one place the coordination engine of a deployment is chosen."""

from __future__ import annotations

from core.coordination.backend import Coordination
from core.coordination.local_backend import LocalCoordination
from core.coordination.postgres_backend import PostgresCoordination
from core.coordination.redis_backend import RedisCoordination
from core.runtime.config import Settings


def coordination_for(settings: Settings) -> Coordination:
    """Redis when ``[redis] url`` is set, else PostgreSQL ``LISTEN``/``NOTIFY`` (with local
    lock files) for a PostgreSQL database, else this machine's files and sockets."""
    if settings.redis.url.get_secret_value():
        return RedisCoordination(settings)
    if settings.database.dialect == "postgres":
        return PostgresCoordination(settings)
    return LocalCoordination(settings)
