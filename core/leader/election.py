"""Leader election: one process at a time holds the lease and runs the leader work.

:class:`LeaderElector` loops forever as a candidate; when it wins it starts
``on_elected(term)`` as a task and renews the lease every ``renew_seconds``. The term is
valid until *last successful renewal + ttl - safety margin*: as soon as a renewal is
refused (the lease is someone else's), or cannot complete before that deadline (Redis
down, slow, paused), it sets ``term.lost`` and cancels the work task - before the ttl
runs out, so another process may take over. A transport error during a renewal is
retried while the deadline allows. Backend errors never end the loop: the candidate
retries with a short backoff and logs once per state change.

Epochs: every win carries a new fencing epoch. Before the work starts, the elector lifts
the epoch above the database fence (``leader_fence``, in case Redis lost its counter)
and claims the fence with it, so an older leader's later writes are rejected. Leader
writes go through :func:`fenced_write` (or ``core.leader.fencing.fenced(term.epoch,
term.identity)``), which also refuses to start once the term is no longer valid.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.coordination.backend import Coordination
from core.coordination.lease import LeaseBackend
from core.leader.fencing import DEFAULT_FENCE, FencedOut, current_epoch, fenced
from core.runtime.config import LeaderSettings
from core.runtime.stopping import finish_within

log = logging.getLogger(__name__)
OnElected = Callable[["Term"], Coroutine[Any, Any, None]]


@dataclass
class Term:
    """One uninterrupted leadership: its fencing epoch, and whether it has ended."""

    epoch: int
    identity: str
    lost: asyncio.Event = field(default_factory=asyncio.Event)
    won_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    valid_until: float = 0.0  # time.monotonic() deadline, moved by every renewal

    def is_valid(self) -> bool:
        """True while the lease is surely ours: not lost and before the deadline."""
        return not self.lost.is_set() and time.monotonic() < self.valid_until


@asynccontextmanager
async def fenced_write(
    term: Term, name: str = DEFAULT_FENCE
) -> AsyncIterator[BaseDBAsyncClient]:
    """A leader transaction for ``term``: refused once the term ended, rolled back with
    :class:`FencedOut` when a newer epoch has written (then ``term.lost`` is set)."""
    if not term.is_valid():
        raise FencedOut(f"epoch {term.epoch}: this process no longer holds the lease")
    try:
        async with fenced(term.epoch, term.identity, name) as conn:
            yield conn
    except FencedOut:
        term.lost.set()
        raise


class LeaderElector:
    """Campaigns for the lease, runs the leader work while it holds it, steps down."""

    def __init__(
        self,
        settings: LeaderSettings,
        backend: LeaseBackend,
        identity: str,
        *,
        fence_name: str | None = DEFAULT_FENCE,
        safety_margin: float | None = None,
        op_timeout: float | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.identity = identity
        self.fence_name = fence_name  # None: no database fence (tests of the lease alone)
        self.safety_margin = settings.ttl_seconds / 5 if safety_margin is None else safety_margin
        self.op_timeout = op_timeout or min(settings.renew_seconds, 2.0)
        self._term: Term | None = None
        self._work: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        self._state = ""

    @property
    def is_leader(self) -> bool:
        """True while this process holds a valid term."""
        return self._term is not None and self._term.is_valid()

    @property
    def term(self) -> Term | None:
        """The current term, or ``None`` while a candidate."""
        return self._term

    async def run(self, on_elected: OnElected) -> None:
        """Campaign, lead and step down, forever; returns only after :meth:`stop`."""
        if self._running:
            raise RuntimeError("LeaderElector.run() is already running")
        self._running = True
        self._finished.clear()
        try:
            while not self._stopping.is_set():
                term = await self._campaign()
                if term is None:
                    break
                reason = await self._lead(term, on_elected)
                if reason in ("work ended", "fenced out"):
                    await self._sleep(self.settings.renew_seconds)  # no hot loop
        finally:
            await self._shutdown()
            self._running = False
            self._finished.set()

    async def stop(self) -> None:
        """Cancel the leader work and release the lease so another process takes over."""
        self._stopping.set()
        if self._running:
            await self._finished.wait()
        else:
            await self._shutdown()

    # -- candidate ---------------------------------------------------------------------

    async def _campaign(self) -> Term | None:
        backoff = self._min_backoff()
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                attempt = await asyncio.wait_for(self.backend.try_acquire(), self.op_timeout)
            except Exception as exc:  # any backend failure: retry
                self._set_state("unavailable", logging.WARNING,
                                f"{self.backend.description} unavailable, retrying: {exc!r}")
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.settings.renew_seconds)
                continue
            backoff = self._min_backoff()
            if attempt.won:
                term = await self._confirm(attempt.epoch, started)
                if term is not None:
                    return term
                await self._sleep(backoff)
                continue
            self._set_state("candidate", logging.INFO,
                            f"candidate: {self.backend.description} is held by another process")
            wait = self.settings.renew_seconds
            if attempt.retry_after is not None:
                wait = min(wait, attempt.retry_after + 0.01)
            await self._sleep(max(wait, 0.01))
        return None

    async def _confirm(self, epoch: int, started: float) -> Term | None:
        """Lift the epoch above the database fence and claim it; ``None`` on failure."""
        valid_until = started + self.settings.ttl_seconds - self.safety_margin
        try:
            if self.fence_name is not None:  # must finish while the fresh lease is safe
                epoch = await asyncio.wait_for(
                    self._claim_fence(epoch), max(valid_until - time.monotonic(), 0)
                )
        except Exception as exc:  # database or lease trouble: stay candidate
            self._set_state("claim-failing", logging.WARNING,
                            f"won the lease but could not claim the fence, retrying: {exc!r}")
            await self._release_quietly()
            return None
        term = Term(epoch=epoch, identity=self.identity, valid_until=valid_until)
        if not term.is_valid():  # the claim took so long the term is already over
            await self._release_quietly()
            return None
        return term

    async def _claim_fence(self, epoch: int) -> int:
        assert self.fence_name is not None
        floor = await current_epoch(self.fence_name)
        if epoch <= floor:
            log.warning("lease epoch %d is not above the database fence %d (the lease "
                        "store lost its counter?): using %d", epoch, floor, floor + 1)
            epoch = await self.backend.raise_epoch(floor + 1)
        async with fenced(epoch, self.identity, self.fence_name):
            pass
        return epoch

    # -- leader ------------------------------------------------------------------------

    async def _lead(self, term: Term, on_elected: OnElected) -> str:
        self._term = term
        self._set_state("leader", logging.INFO, f"elected leader with epoch {term.epoch}")
        self._work = asyncio.create_task(on_elected(term), name=f"leader-work-{term.epoch}")
        reason = await self._hold(term, self._work)
        await self._step_down(term, reason)
        return reason

    async def _hold(self, term: Term, work: asyncio.Task[None]) -> str:
        """Renew until the term ends; return why it ended."""
        renew_every = self.settings.renew_seconds
        next_renewal = time.monotonic() + renew_every
        while True:
            await self._wait_until(min(next_renewal, term.valid_until), term, work)
            if self._stopping.is_set():
                return "stopping"
            if term.lost.is_set():
                return "fenced out"
            if work.done():
                return "work ended"
            now = time.monotonic()
            if now >= term.valid_until:
                return "the renewal deadline passed"
            try:
                ok = await asyncio.wait_for(self.backend.renew(), term.valid_until - now)
            except TimeoutError:
                return "the renewal could not complete before the deadline"
            except Exception as exc:  # retry while the deadline allows
                self._set_state("leader-renew-failing", logging.WARNING,
                                f"renewal failed, retrying until the deadline: {exc!r}")
                next_renewal = time.monotonic() + self._min_backoff()
                continue
            if not ok:
                return "the lease was taken by another process"
            term.valid_until = now + self.settings.ttl_seconds - self.safety_margin
            self._set_state("leader", logging.INFO, f"leader with epoch {term.epoch}")
            next_renewal = now + renew_every

    async def _step_down(self, term: Term, reason: str) -> None:
        term.lost.set()
        self._term = None
        work, self._work = self._work, None
        if work is not None:
            if work.done() and not work.cancelled() and work.exception() is not None:
                log.error("leader work of epoch %d failed", term.epoch,
                          exc_info=work.exception())
            work.cancel()
            await asyncio.wait({work}, timeout=max(self.safety_margin, 0.1))
            if not work.done():  # its own bounded clean-up goes on; its writes are fenced
                log.warning("leader work of epoch %d still stopping after %gs; releasing the "
                            "lease anyway", term.epoch, max(self.safety_margin, 0.1))
        await self._release_quietly()
        self._set_state("stepped-down", logging.WARNING if reason != "stopping" else logging.INFO,
                        f"stepped down from epoch {term.epoch}: {reason}")

    # -- helpers -----------------------------------------------------------------------

    async def _shutdown(self) -> None:
        if self._term is not None:
            await self._step_down(self._term, "stopping")
        await self._release_quietly()
        # Best effort and bounded: a connection pool that hangs while closing must not
        # hold the process's stop (the lease is already released or expires by itself).
        await finish_within(self.backend.close(), self.op_timeout,
                            f"closing {self.backend.description}")

    async def _release_quietly(self) -> None:
        try:
            await asyncio.wait_for(self.backend.release(), self.op_timeout)
        except Exception as exc:  # the lease expires by itself anyway
            log.debug("releasing %s failed: %r", self.backend.description, exc)

    def _min_backoff(self) -> float:
        return max(self.settings.renew_seconds / 10, 0.05)

    def _set_state(self, state: str, level: int, message: str) -> None:
        """Log ``message`` only when the state changes (not on every attempt)."""
        if state != self._state:
            self._state = state
            log.log(level, "%s: %s", self.identity, message)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), max(seconds, 0))
        except TimeoutError:
            pass

    async def _wait_until(self, when: float, term: Term, work: asyncio.Task[None]) -> None:
        waiters = {asyncio.ensure_future(self._stopping.wait()),
                   asyncio.ensure_future(term.lost.wait())}
        try:
            await asyncio.wait({*waiters, work}, timeout=max(when - time.monotonic(), 0),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def make_elector(coordination: Coordination, identity: str) -> LeaderElector:
    """The elector for this process on the deployment's lease (the ORM must be
    initialised: it claims the fence)."""
    return LeaderElector(
        coordination.settings.leader, coordination.make_lease(identity), identity
    )
