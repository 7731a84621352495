"""What the elected leader runs, and the candidate loop every bot process takes part in.

Every worker process is a lease candidate (:mod:`core.leader.election`). The one that wins runs its
configured ``[leader] duties`` for as long as its term lasts: the durable timer scheduler,
the maintenance engine and the backup loop, concurrently. When the term is lost all of
them stop; another process takes over within the lease ttl.

Stopping is bounded (docs/security.md, "What stopping the leader guarantees"): every duty
is cancelled and given
``DUTY_STOP_SECONDS`` to finish its own bounded clean-up; :meth:`LeaderDuties.stop`
returns within ``STOP_SECONDS`` whatever a duty or a library teardown does, logging
what it had to leave behind.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from core.backup.service import run_backup_loop
from core.coordination import Coordination, coordination_for, wakeups
from core.leader.election import LeaderElector, Term, make_elector
from core.maintenance.engine import MaintenanceEngine
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.runtime.stopping import cancel_and_wait, finish_within
from core.timers.scheduler import Scheduler, timer_sources

if TYPE_CHECKING:
    from core.plugins.bot_like import BotLike

log = logging.getLogger(__name__)
DUTY_STOP_SECONDS = 8.0  # a cancelled duty's own clean-up (the scheduler's is <= 6 s)
STOP_SECONDS = 12.0  # all of stop(): fits the launcher's stop timeout with the bot's close
CLOSE_SECONDS = 2.0  # closing the wake-up channel, at least this even when late


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
        bot: BotLike | None = None,
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
        self._duties: set[asyncio.Task[None]] = set()

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
        jobs: list[tuple[str, Coroutine[Any, Any, None]]] = []
        duties = self.settings.leader.duties
        if self.scheduler is not None:
            jobs.append(("timers", self.scheduler.run(term)))
        if "maintenance" in duties:
            jobs.append(("maintenance", MaintenanceEngine(self.settings, self.plugins).run(term)))
        if "backups" in duties:
            jobs.append(("backups", run_backup_loop(self.settings, term)))
        tasks = [asyncio.create_task(job, name=f"leader-duty-{name}-{term.epoch}")
                 for name, job in jobs]
        self._duties.update(tasks)
        for task in tasks:
            task.add_done_callback(self._duties.discard)
        try:
            await asyncio.gather(*tasks)
        finally:  # bounded: a duty ignoring cancellation must not hold the step-down
            await cancel_and_wait(tasks, DUTY_STOP_SECONDS, f"epoch {term.epoch}")

    async def stop(self) -> None:
        """Stop leading (releasing the lease), wait for the duties' clean-up and close the
        wake-up channel - all within ``STOP_SECONDS``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_SECONDS

        def left(at_least: float = 0.0) -> float:
            return max(deadline - loop.time(), at_least)

        if self.elector is not None:
            await finish_within(self.elector.stop(), left(), "stepping down")
        if self._task is not None:
            await cancel_and_wait({self._task}, left(), "leader election")
            self._task = None
        # Cancelled by the step-down (or now, if it did not reach them): wait for their
        # bounded clean-up.
        await cancel_and_wait(set(self._duties), left(), "leader duty")
        await finish_within(self.wakeups.close(), left(CLOSE_SECONDS),
                            "closing the wake-up channel")
        if wakeups.installed() is self.wakeups:
            wakeups.install(None)
