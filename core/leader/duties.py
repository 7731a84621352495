"""What the elected leader runs, and the candidate loop every bot process takes part in.

Every worker process is a lease candidate (:mod:`core.leader.election`). The one that wins runs its
configured ``[leader] duties`` for as long as its term lasts: the durable timer scheduler,
the maintenance engine and the backup loop, concurrently. When the term is lost all of
them stop; another process takes over within the lease ttl.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable
from typing import Any

from core.backup.service import run_backup_loop
from core.coordination import Coordination, coordination_for, wakeups
from core.leader.election import LeaderElector, Term, make_elector
from core.maintenance.engine import MaintenanceEngine
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.timers.scheduler import Scheduler, timer_sources

log = logging.getLogger(__name__)


def default_identity() -> str:
    """A readable, unique-enough candidate name: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderDuties:
    """Campaigns for the lease and, while leader, runs timers, maintenance and backups.

    The lease and the wake-up channel come from ``coordination`` (the owner's backend;
    chosen from ``settings`` when not given).
    """

    def __init__(
        self,
        settings: Settings,
        plugins: PluginManager,
        identity: str | None = None,
        bot: Any = None,
        coordination: Coordination | None = None,
    ) -> None:
        self.settings = settings
        self.coordination = coordination or coordination_for(settings)
        self.bot = bot
        self.plugins = plugins
        self.identity = identity or default_identity()
        self.wakeups = self.coordination.make_wakeups()
        self.scheduler: Scheduler | None = None
        self.elector: LeaderElector | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def is_leader(self) -> bool:
        """True while this process holds the lease."""
        return bool(self.elector and self.elector.is_leader)

    async def start(self) -> None:
        """Install the wake-up channel and start campaigning (the ORM must be open)."""
        wakeups.install(self.wakeups)
        if "timers" in self.settings.leader.duties:
            self.scheduler = Scheduler(
                timer_sources(self.plugins, self.bot), self.settings.scheduler, self.wakeups
            )
        self.elector = make_elector(self.coordination, self.identity)
        self._task = asyncio.create_task(self.elector.run(self._lead), name="leader-election")

    async def _lead(self, term: Term) -> None:
        log.info("leader: epoch %d (%s) runs %s", term.epoch, term.identity,
                 ", ".join(self.settings.leader.duties))
        jobs: list[Awaitable[None]] = []
        duties = self.settings.leader.duties
        if self.scheduler is not None:
            jobs.append(self.scheduler.run(term))
        if "maintenance" in duties:
            jobs.append(MaintenanceEngine(self.settings, self.plugins).run(term))
        if "backups" in duties:
            jobs.append(run_backup_loop(self.settings, term))
        tasks = [asyncio.create_task(job) for job in jobs]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task

    async def stop(self) -> None:
        """Stop leading (releasing the lease at once) and close the wake-up channel."""
        if self.elector is not None:
            await self.elector.stop()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        await self.wakeups.close()
        if wakeups.installed() is self.wakeups:
            wakeups.install(None)
