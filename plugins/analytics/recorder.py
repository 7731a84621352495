"""The command-use hot path: rows kept in memory and written in batches.

:meth:`StatsRecorder.record` does no I/O; :meth:`StatsRecorder.flush` writes everything
buffered with one bulk insert. Rows recorded during a flush go to a fresh list; a failed
flush puts its rows back (up to ``max_rows``, oldest dropped first, so a database outage
cannot exhaust memory).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from tortoise import timezone
from tortoise.transactions import in_transaction

from core.plugins.api import CONNECTION, user_fence
from plugins.analytics.models import CommandStat

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Use:
    """One command use, as recorded."""

    command_name: str
    guild_id: int | None
    user_id: int
    executed_at: datetime


class StatsRecorder:
    """Buffered ``command_stats`` rows of one process."""

    def __init__(self, batch_rows: int = 500, max_rows: int = 100_000) -> None:
        self.batch_rows = batch_rows
        self.max_rows = max_rows
        self._rows: list[Use] = []
        self._lock = asyncio.Lock()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._rows)

    def record(
        self, command_name: str, guild_id: int | None, user_id: int,
        when: datetime | None = None,
    ) -> bool:
        """Buffer one use; return ``True`` when a full batch is waiting to be written."""
        self._rows.append(Use(command_name[:100], guild_id, user_id, when or timezone.now()))
        if len(self._rows) > self.max_rows:
            excess = len(self._rows) - self.max_rows
            del self._rows[:excess]
            self.dropped += excess
        return len(self._rows) >= self.batch_rows

    def forget(self, user_id: int) -> int:
        """Drop ``user_id``'s buffered rows unwritten; return how many."""
        before = len(self._rows)
        self._rows = [r for r in self._rows if r.user_id != user_id]
        return before - len(self._rows)

    async def flush(self) -> int:
        """Write every buffered row in one bulk insert; return how many were written.

        Rows of a user who deleted their data after recording them are dropped
        (``core.services.user_fence``, read in the same transaction).
        """
        async with self._lock:
            rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                async with in_transaction(CONNECTION) as conn:
                    fence = await user_fence.deletions(conn)
                    kept = [r for r in rows
                            if not user_fence.recorded_before(fence, r.user_id, r.executed_at)]
                    await CommandStat.bulk_create([
                        CommandStat(command_name=r.command_name, guild_id=r.guild_id,
                                    user_id=r.user_id, executed_at=r.executed_at)
                        for r in kept
                    ], using_db=conn)
            except BaseException:
                self._rows[:0] = rows
                if len(self._rows) > self.max_rows:
                    excess = len(self._rows) - self.max_rows
                    del self._rows[:excess]
                    self.dropped += excess
                raise
            return len(kept)
