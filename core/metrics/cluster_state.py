"""Cluster-wide values read from the database: scheduler lag, maintenance, backups.

Every worker reports them (so they survive a leader change); Prometheus queries should
take ``max()`` over workers. :class:`ClusterState` re-reads them at most every
``[metrics] db_refresh_seconds``, when scraped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from tortoise import Tortoise

from core.db.models import MaintenanceRun
from core.plugins.contracts import TimerSource

log = logging.getLogger(__name__)
BACKUP_JOB = "backup"


@dataclass(frozen=True, slots=True)
class JobState:
    """The newest run of one maintenance job (or of the backup)."""

    ok: bool
    started_at: datetime
    rows: int
    seconds: float | None


@dataclass(slots=True)
class Snapshot:
    """What one database read found (``read_at`` is a ``time.monotonic()`` value)."""

    lag: dict[str, float] = field(default_factory=dict)
    jobs: dict[str, JobState] = field(default_factory=dict)
    backup_at: datetime | None = None
    read_at: float | None = None


async def oldest_due(source: TimerSource, now: datetime) -> datetime | None:
    """When the oldest row of ``source`` that is due and not finished fell due.

    A row retried with backoff counts from its ``next_attempt_at``; failed rows never count.
    """
    due_col = source.due_column
    pending = source.model.filter(**source.pending_filter).filter(failed_at=None)
    # flat=True yields bare values (tortoise types them as tuples)
    first = cast(list[datetime | None], await (
        pending.filter(next_attempt_at=None, **{f"{due_col}__lte": now})
        .order_by(due_col).limit(1).values_list(due_col, flat=True)
    ))
    retried = cast(list[datetime | None], await (
        pending.filter(next_attempt_at__lte=now)
        .order_by("next_attempt_at").limit(1).values_list("next_attempt_at", flat=True)
    ))
    found = [at for at in (*first, *retried) if at is not None]
    return min(found) if found else None


async def scheduler_lag(sources: Sequence[TimerSource], now: datetime) -> dict[str, float]:
    """Seconds since the oldest due, unfinished row of each source fell due (0: none)."""
    lag = {}
    for source in sources:
        due = await oldest_due(source, now)
        lag[source.name] = max(0.0, (now - due).total_seconds()) if due is not None else 0.0
    return lag


async def newest_runs(jobs: Sequence[str]) -> dict[str, JobState]:
    """The newest recorded run of each job (jobs never run are absent)."""
    found = {}
    for job in jobs:
        run = await MaintenanceRun.filter(job=job).order_by("-started_at", "-id").first()
        if run is None:
            continue
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        found[job] = JobState(run.ok, run.started_at, run.rows, seconds)
    return found


async def newest_verified_backup() -> datetime | None:
    """When the newest successful (verified) backup started, from ``maintenance_runs``."""
    run = await MaintenanceRun.filter(job=BACKUP_JOB, ok=True).order_by("-started_at").first()
    return run.started_at if run else None


class ClusterState:
    """Reads the cluster-wide values, at most every ``refresh_seconds``."""

    def __init__(
        self,
        sources: Callable[[], Sequence[TimerSource]],
        jobs: Callable[[], Sequence[str]],
        refresh_seconds: float,
    ) -> None:
        self._sources = sources
        self._jobs = jobs
        self.refresh_seconds = refresh_seconds
        self.snapshot = Snapshot()
        self._lock = asyncio.Lock()

    async def refresh(self, *, force: bool = False) -> Snapshot:
        """Re-read unless the last read is fresh; a failed read keeps the last values."""
        async with self._lock:
            read_at = self.snapshot.read_at
            fresh = read_at is not None and time.monotonic() - read_at < self.refresh_seconds
            if (fresh and not force) or not Tortoise.is_inited():
                return self.snapshot
            now = datetime.now(UTC)
            try:
                jobs = [*self._jobs(), BACKUP_JOB]
                self.snapshot = Snapshot(
                    lag=await scheduler_lag(self._sources(), now),
                    jobs=await newest_runs(jobs),
                    backup_at=await newest_verified_backup(),
                    read_at=time.monotonic(),
                )
            except Exception as exc:
                log.warning("metrics: reading cluster state from the database failed: %s", exc)
            return self.snapshot
