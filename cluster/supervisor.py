"""Supervision of this machine's worker processes.

Every local cluster gets a worker process. A worker that exits, or whose status reports
stop for ``heartbeat_timeout_seconds``, is (killed and) restarted after a back-off that
doubles from ``restart_backoff_min_seconds`` to ``restart_backoff_max_seconds`` and
resets once a worker ran for ``healthy_reset_seconds``; the reason is logged. Until its
first report a worker is starting up: it is killed for silence only after
``max(startup_grace_seconds, heartbeat_timeout_seconds)`` (an exit still restarts it). ``stop()``
sends SIGTERM to every worker, waits ``stop_timeout_seconds``, then kills the rest; it
returns 0 only when every running worker stopped cleanly (exit code 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from cluster.planning import Cluster, ShardPlan
from core.runtime.cluster_ranges import compact
from core.runtime.config import Settings
from core.runtime.worker_status import WorkerStatus, make_store

log = logging.getLogger(__name__)


@dataclass
class WorkerSlot:
    """One local cluster and the process currently serving it."""

    cluster: Cluster
    backoff: float
    process: asyncio.subprocess.Process | None = None
    spawned_at: float = 0.0
    spawned_wall: float = 0.0
    last_seen: float = 0.0
    last_report: float = 0.0
    reported: bool = False
    restart_at: float = 0.0
    restarts: int = 0
    kill_reason: str | None = None
    reasons: list[str] = field(default_factory=list)


def describe_exit(code: int) -> str:
    """``exited with code 1`` / ``was killed by SIGKILL``."""
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Starts, watches and restarts the workers of ``plan.local``."""

    def __init__(
        self,
        settings: Settings,
        plan: ShardPlan,
        *,
        config_path: str | None = None,
        env: Mapping[str, str] | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        self.settings = settings
        self.plan = plan
        self.config_path = config_path
        self.env = dict(os.environ if env is None else env)
        self.poll = poll_seconds
        self.store = make_store(settings)
        backoff = settings.cluster.restart_backoff_min_seconds
        self.slots = [WorkerSlot(cluster, backoff) for cluster in plan.local]
        self.statuses: dict[int, WorkerStatus] = {}
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._exit_waiters: set[asyncio.Task[None]] = set()

    def command(self, cluster: Cluster) -> list[str]:
        """The worker command line for ``cluster``."""
        args = [
            sys.executable, "-m", "cluster.worker", "--cluster", str(cluster.index),
            "--shards", compact(cluster.shard_ids), "--shard-count", str(self.plan.shard_count),
            "--max-concurrency", str(self.plan.max_concurrency),
        ]
        if self.config_path:
            args += ["--config", self.config_path]
        return args

    async def start(self) -> None:
        """Spawn every local worker and start watching them."""
        for slot in self.slots:
            await self._spawn(slot)
        self._task = asyncio.create_task(self._watch(), name="supervisor")

    async def _spawn(self, slot: WorkerSlot) -> None:
        env = {**self.env, "GUILDHALL_LAUNCHER_PID": str(os.getpid())}
        slot.process = await asyncio.create_subprocess_exec(*self.command(slot.cluster), env=env)
        slot.spawned_at = slot.last_seen = time.monotonic()
        slot.spawned_wall = time.time()
        slot.kill_reason = None
        slot.reported = False
        log.info("started %s (pid %d)", slot.cluster.label, slot.process.pid)
        waiter = asyncio.create_task(self._notify_exit(slot.process))
        self._exit_waiters.add(waiter)
        waiter.add_done_callback(self._exit_waiters.discard)

    async def _notify_exit(self, process: asyncio.subprocess.Process) -> None:
        await process.wait()
        self._wake.set()

    async def _watch(self) -> None:
        while not self._stopping:
            try:
                await self._check()
            except Exception:  # supervision must outlive any one failure
                log.exception("supervisor check failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll)
            self._wake.clear()

    async def _check(self) -> None:
        now = time.monotonic()
        fresh = await self._read_statuses()
        for slot in self.slots:
            if slot.process is None:
                if now >= slot.restart_at and not self._stopping:
                    try:
                        await self._spawn(slot)
                    except OSError as exc:
                        slot.restart_at = now + slot.backoff
                        log.error("cannot start %s: %s", slot.cluster.label, exc)
                continue
            if slot.process.returncode is not None:
                self._exited(slot, now)
                continue
            status = fresh.get(slot.cluster.index) if fresh is not None else None
            if status and status.pid == slot.process.pid and status.reported_at > slot.last_report:
                slot.last_report, slot.last_seen, slot.reported = status.reported_at, now, True
            silent = now - slot.last_seen
            if fresh is not None and silent > self._silence_limit(slot):
                slot.kill_reason = (
                    f"sent no status report for {silent:.0f} s" if slot.reported
                    else f"sent no first status report {silent:.0f} s after starting"
                )
                log.error("%s %s: killing it", slot.cluster.label, slot.kill_reason)
                with contextlib.suppress(ProcessLookupError):
                    slot.process.kill()
                slot.last_seen = now  # one kill per silence

    def _silence_limit(self, slot: WorkerSlot) -> float:
        """Seconds without a report before ``slot``'s worker is killed (longer at start-up)."""
        cluster = self.settings.cluster
        if slot.reported:
            return cluster.heartbeat_timeout_seconds
        return max(cluster.startup_grace_seconds, cluster.heartbeat_timeout_seconds)

    async def _read_statuses(self) -> dict[int, WorkerStatus] | None:
        try:
            statuses = await self.store.read_all()
        except Exception as exc:  # a store outage must not kill healthy workers
            log.warning("cannot read worker status reports: %s", exc)
            return None
        self.statuses = {s.cluster: s for s in statuses}
        return self.statuses

    def _exited(self, slot: WorkerSlot, now: float) -> None:
        assert slot.process is not None and slot.process.returncode is not None
        cluster = self.settings.cluster
        ran = now - slot.spawned_at
        if ran >= cluster.healthy_reset_seconds:
            slot.backoff = cluster.restart_backoff_min_seconds
        reason = slot.kill_reason or describe_exit(slot.process.returncode)
        delay = slot.backoff
        slot.backoff = min(slot.backoff * 2, cluster.restart_backoff_max_seconds)
        slot.restart_at = now + delay
        slot.restarts += 1
        slot.reasons.append(reason)
        slot.process = None
        log.warning("%s %s after %.1f s; restarting in %.1f s (restart #%d)",
                    slot.cluster.label, reason, ran, delay, slot.restarts)

    async def wait_ready(self, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until every local worker reported "ready"; ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            ready = {
                slot.cluster.index for slot in self.slots
                if slot.process is not None
                and (status := self.statuses.get(slot.cluster.index)) is not None
                and status.pid == slot.process.pid and status.state == "ready"
            }
            if len(ready) == len(self.slots):
                return
            if time.monotonic() > deadline:
                missing = sorted({s.cluster.index for s in self.slots} - ready)
                raise TimeoutError(f"cluster(s) {compact(missing)} not ready in {timeout:.0f} s")
            await asyncio.sleep(0.1)
            await self._read_statuses()

    async def stop(self) -> int:
        """SIGTERM every worker, kill those still running after the timeout; 0 if all clean."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        running = [s for s in self.slots if s.process is not None and s.process.returncode is None]
        for slot in running:
            with contextlib.suppress(ProcessLookupError):
                slot.process.terminate()  # type: ignore[union-attr]
        timeout = self.settings.cluster.stop_timeout_seconds
        clean = True
        waits = [(slot, asyncio.create_task(slot.process.wait())) for slot in running]  # type: ignore[union-attr]
        if waits:
            await asyncio.wait([wait for _, wait in waits], timeout=timeout)
        for slot, wait in waits:
            if not wait.done():
                log.error("%s did not stop within %g s: killing it", slot.cluster.label, timeout)
                with contextlib.suppress(ProcessLookupError):
                    slot.process.kill()  # type: ignore[union-attr]
                await wait
                clean = False
            elif wait.result() != 0:
                log.error("%s %s while stopping", slot.cluster.label, describe_exit(wait.result()))
                clean = False
        with contextlib.suppress(Exception):
            await self.store.close()
        log.info("all workers stopped (%s)", "clean" if clean else "NOT clean")
        return 0 if clean else 1
