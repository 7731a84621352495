"""The local backend: files and Unix sockets of one machine (SQLite, no Redis).

Lease: an ``flock`` on ``<database>.leader.lock``; identify slots: lock files
``<database>.identify-<bucket>.lock``; REST budget: ``<database>.rest-global.lock``,
``<database>.rest-routes.lock`` and ``<database>.rest-invalid.lock``; bus: one datagram
socket per process in ``<database>.bus/``; wake-ups: the datagram socket
``<database>.wakeup`` the leader binds. A ``sqlite://:memory:`` database is private to its
process, so its bus and wake-ups stay in the process and its lock files are per process
in the temp directory.
"""

from __future__ import annotations

from pathlib import Path

from core.coordination.backend import Coordination
from core.coordination.bus import Bus, LocalBus, SocketBus, bus_directory_for
from core.coordination.identify import FileIdentifyLimiter, IdentifyLimiter, lock_location
from core.coordination.invalid_requests import FileInvalidCounter, InvalidCounter
from core.coordination.lease import LeaseBackend
from core.coordination.lease_file import FileLease, lock_path
from core.coordination.rate_bucket import FileRateBucket, RateBucket
from core.coordination.route_buckets import FileRouteBuckets, RouteBuckets
from core.coordination.wakeups import LocalWakeups, SocketWakeups, Wakeups, socket_path_for
from core.db.database import sqlite_path


class LocalCoordination(Coordination):
    """Coordination through this machine's files and sockets (one machine only)."""

    engine = "local"

    def make_lease(self, identity: str) -> LeaseBackend:
        """A file lock, polled every renewal interval by candidates."""
        return FileLease(lock_path(self.settings), poll_seconds=self.settings.leader.renew_seconds)

    def make_identify_limiter(
        self, key: str, window: float, max_concurrency: int, margin: float = 0.0
    ) -> IdentifyLimiter:
        """Lock files next to the database (``key`` is not needed: the files are per
        database)."""
        directory, stem = lock_location(self.settings)
        return FileIdentifyLimiter(directory, stem, window, max_concurrency, margin)

    def make_rate_bucket(self, rate: float) -> RateBucket:
        """A locked file ``<database>.rest-global.lock`` next to the database."""
        directory, stem = lock_location(self.settings)
        return FileRateBucket(directory / f"{stem}.rest-global.lock", rate)

    def make_route_buckets(self) -> RouteBuckets:
        """A locked file ``<database>.rest-routes.lock`` next to the database."""
        directory, stem = lock_location(self.settings)
        return FileRouteBuckets(directory / f"{stem}.rest-routes.lock")

    def make_invalid_counter(self) -> InvalidCounter:
        """A locked file ``<database>.rest-invalid.lock`` next to the database."""
        directory, stem = lock_location(self.settings)
        return FileInvalidCounter(directory / f"{stem}.rest-invalid.lock")

    def database_file(self) -> Path | None:
        """The SQLite database file, or ``None`` for a private ``:memory:`` database."""
        database = sqlite_path(self.settings.database.url.get_secret_value())
        return None if str(database) == ":memory:" else database

    def make_bus(self) -> Bus:
        """Sockets in ``<database>.bus/``; this process only for ``:memory:``."""
        database = self.database_file()
        return LocalBus() if database is None else SocketBus(bus_directory_for(database))

    def make_wakeups(self) -> Wakeups:
        """The leader's socket ``<database>.wakeup``; this process only for ``:memory:``."""
        database = self.database_file()
        return LocalWakeups() if database is None else SocketWakeups(socket_path_for(database))
