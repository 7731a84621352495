"""The worker's status reporter: a report every interval, and at once on a change.

Each report (shards, guilds, latency per shard, events per second, memory, leader or
not) is also the heartbeat the launcher watches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from typing import TYPE_CHECKING

from core.runtime.worker_status import StatusStore, WorkerStatus, rss_bytes

if TYPE_CHECKING:
    from cluster.worker_bot import WorkerBot

log = logging.getLogger(__name__)


class StatusReporter:
    """Writes ``status`` (refreshed from ``bot``) to ``store`` every ``interval`` seconds."""

    def __init__(
        self,
        store: StatusStore,
        status: WorkerStatus,
        interval: float,
        bot: WorkerBot | None = None,
    ) -> None:
        self.store = store
        self.status = status
        self.interval = interval
        self.bot = bot
        self._poke = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_events = 0
        self._last_at = time.monotonic()

    def refresh(self) -> WorkerStatus:
        """Fill the report from the bot and this process, and return it."""
        status, bot, now = self.status, self.bot, time.monotonic()
        if bot is not None:
            status.guilds = len(bot.guilds)
            status.latencies = {
                shard: (round(latency, 4) if math.isfinite(latency) else None)
                for shard, latency in bot.latencies
            }
            events = bot.events_seen
            elapsed = max(now - self._last_at, 1e-3)
            status.events_per_second = round((events - self._last_events) / elapsed, 2)
            self._last_events, self._last_at = events, now
            status.leader = bool(bot.leader is not None and bot.leader.is_leader)
            if status.state == "starting" and bot.is_ready():
                status.state = "ready"
        status.rss_bytes = rss_bytes()
        status.reported_at = time.time()
        return status

    async def report(self) -> None:
        """Write one report now (a failure is logged; the next one tries again)."""
        try:
            await self.store.write(self.refresh())
        except Exception as exc:  # the store being down must not stop the bot
            log.warning("status report failed: %s", exc)

    def poke(self) -> None:
        """Report now instead of at the next interval (e.g. when the shards are ready)."""
        self._poke.set()

    async def _run(self) -> None:
        while True:
            await self.report()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), self.interval)
            self._poke.clear()

    def start(self) -> None:
        """Start reporting in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="status-reporter")

    async def stop(self, state: str = "stopped") -> None:
        """Stop the loop and write a last report with ``state``."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        self.status.state = state
        await self.report()
