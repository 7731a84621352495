"""The PostgreSQL backend (no Redis): messages through the database, locks on this machine.

Bus and wake-ups: ``LISTEN``/``NOTIFY`` on the channels ``guildhall_bus`` and
``guildhall_wakeup`` (sent through the open ORM pool). Lease and identify slots are the
local backend's lock files, named after the database (``data/<key>-<host>-<port>-<db>``
under the working directory): every process of the deployment must run on one machine.
For several machines, configure ``[redis] url``.
"""

from __future__ import annotations

from core.coordination.bus import Bus, PostgresBus
from core.coordination.local_backend import LocalCoordination
from core.coordination.wakeups import PostgresWakeups, Wakeups


class PostgresCoordination(LocalCoordination):
    """``LISTEN``/``NOTIFY`` for the bus and wake-ups; the local lock files for the rest."""

    engine = "postgres"

    @property
    def dsn(self) -> str:
        """The database URL (a secret: never logged)."""
        return self.settings.database.url.get_secret_value()

    def make_bus(self) -> Bus:
        """``LISTEN``/``NOTIFY`` on ``guildhall_bus``."""
        return PostgresBus(self.dsn)

    def make_wakeups(self) -> Wakeups:
        """``LISTEN``/``NOTIFY`` on ``guildhall_wakeup``."""
        return PostgresWakeups(self.dsn)
