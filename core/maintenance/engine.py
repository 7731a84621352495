"""The maintenance engine: retention jobs, integrity checks and database care, on schedule.

Jobs come from the plugins' ``guildhall_retention_policies`` (in plugin order) followed by
core's own: ``core.maintenance_runs.delete`` (run history older than 180 days),
``core.web_sessions.delete`` (dashboard logins expired for a day),
``core.purge_departed_guilds`` (hourly; see :mod:`core.services.guild_purge`), ``core.integrity``
(weekly; logs every problem) and ``core.db_care`` (daily, last).

The leader calls :meth:`MaintenanceEngine.run` with its term; every write of a job is then
``fenced(term.epoch)``. Each run is recorded in ``maintenance_runs``; a job is due when no
successful run started in its current window (see :mod:`core.maintenance.schedule`), so
restarts and failovers neither rerun nor skip it. A manual run
(``guildhall maintenance run``) has no term and is NOT fenced: it never takes the
leader's epoch (that would depose the leader); its batches are still atomic and the
archive's primary key keeps a concurrent leader run from doubling rows. Its successful
runs count for the window like scheduled ones. Dry runs change nothing and record nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.db.models import MaintenanceRun, WebSession
from core.leader.election import Term
from core.leader.fencing import FencedOut
from core.maintenance.db_care import care_for_database
from core.maintenance.integrity import collect_checks, log_outcomes, run_checks
from core.maintenance.jobs import (
    JobContext,
    JobResult,
    MaintenanceJob,
    RunStopped,
    policy_job,
)
from core.maintenance.rank_counts import repair_rank_counts
from core.maintenance.schedule import is_due, next_window_start, window_start
from core.plugins.contracts import RetentionKind, RetentionPolicy, Schedule
from core.plugins.manager import PluginManager
from core.runtime import log_context
from core.runtime.config import Settings
from core.runtime.progress import ProgressReport, logged_progress, no_report
from core.services.guild_purge import purge_departed_guilds

log = logging.getLogger(__name__)
RUN_HISTORY_DAYS = 180
MAX_SLEEP_SECONDS = 300.0
RECORD_STOP_SECONDS = 2.0  # recording a run the stop interrupted


class UnknownJobError(ValueError):
    """A job name that no enabled plugin (nor core) declares."""


@dataclass(frozen=True, slots=True)
class JobReport:
    """The outcome of one job run, as printed by the CLI and recorded in the database."""

    name: str
    owner: str
    ok: bool
    rows: int
    seconds: float
    detail: str
    dry_run: bool = False


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class MaintenanceEngine:
    """Builds the job list from plugins and core and runs jobs (due, or by name)."""

    def __init__(self, settings: Settings, plugins: PluginManager) -> None:
        self.settings = settings
        self.plugins = plugins

    def jobs(self) -> list[MaintenanceJob]:
        """Every job in run order: plugins' policies, then core's jobs."""
        jobs: list[MaintenanceJob] = []
        results = self.plugins.call("guildhall_retention_policies", settings=self.settings)
        order = {name: index for index, name in enumerate(self.plugins.enabled)}
        results.sort(key=lambda item: order.get(item[0], len(order)))
        for owner, policies in results:
            for policy in policies:
                if not isinstance(policy, RetentionPolicy):
                    log.error("plugin %r returned %r, not a RetentionPolicy", owner, policy)
                    continue
                jobs.append(policy_job(policy, owner))
        jobs.extend(self._core_jobs())
        names = [job.name for job in jobs]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"maintenance job name(s) declared twice: {', '.join(duplicates)}")
        return jobs

    def _core_jobs(self) -> list[MaintenanceJob]:
        history = RetentionPolicy(
            name="core.maintenance_runs.delete",
            kind=RetentionKind.DELETE,
            model=MaintenanceRun,
            age_column="started_at",
            older_than=timedelta(days=RUN_HISTORY_DAYS),
        )
        sessions = RetentionPolicy(
            name="core.web_sessions.delete",
            kind=RetentionKind.DELETE,
            model=WebSession,
            age_column="expires_at",
            older_than=timedelta(days=1),
        )
        return [
            policy_job(history, "core"),
            policy_job(sessions, "core"),
            MaintenanceJob(
                "core.purge_departed_guilds", Schedule.HOURLY, self._purge_departed_job
            ),
            MaintenanceJob("core.integrity", Schedule.WEEKLY, self._integrity_job),
            MaintenanceJob("core.rank_counts", Schedule.WEEKLY, repair_rank_counts,
                           after=("core.integrity",)),
            MaintenanceJob("core.db_care", Schedule.DAILY, self._db_care_job),
        ]

    async def _purge_departed_job(self, ctx: JobContext) -> JobResult:
        return await purge_departed_guilds(ctx, self.settings, self.plugins)

    async def _integrity_job(self, ctx: JobContext) -> JobResult:
        outcomes = await run_checks(collect_checks(self.plugins, self.settings))
        problems = log_outcomes(outcomes)
        bad = [o.name for o in outcomes if not o.ok]
        detail = f"{problems} problem(s) in {', '.join(bad)}" if bad else "all checks clean"
        return JobResult(problems, detail)

    async def _db_care_job(self, ctx: JobContext) -> JobResult:
        ctx.check_running()
        report = await care_for_database(self.settings.maintenance.vacuum_free_ratio, ctx.dry_run)
        return JobResult(report.pages_freed, report.summary)

    def select(self, names: list[str] | None) -> list[MaintenanceJob]:
        """The named jobs (plus the jobs they must run after), in run order.

        Raises :class:`UnknownJobError` listing the known jobs when a name is unknown.
        """
        jobs = self.jobs()
        if not names:
            return jobs
        by_name = {job.name: job for job in jobs}
        unknown = [name for name in names if name not in by_name]
        if unknown:
            raise UnknownJobError(
                f"unknown maintenance job(s): {', '.join(unknown)}; "
                f"known jobs: {', '.join(by_name)}"
            )
        wanted = set(names)
        for job in reversed(jobs):  # dependencies come earlier in the list
            if job.name in wanted:
                wanted.update(dep for dep in job.after if dep in by_name)
        return [job for job in jobs if job.name in wanted]

    async def run_jobs(
        self,
        names: list[str] | None = None,
        *,
        dry_run: bool = False,
        now: datetime | None = None,
        term: Term | None = None,
        report: ProgressReport = no_report,
    ) -> list[JobReport]:
        """Run the named jobs (all when ``names`` is empty) now, regardless of schedule.

        A job whose dependency failed in this call is reported as skipped, not run. The
        caller shows the reports (they are not logged); ``report`` gets each job's progress
        as ``report(job, rows done, rows in all)``.
        """
        now = now or utcnow()
        reports: list[JobReport] = []
        failed: set[str] = set()
        for job in self.select(names):
            blocked = [dep for dep in job.after if dep in failed]
            if blocked:
                failed.add(job.name)
                reports.append(
                    JobReport(job.name, job.owner, False, 0, 0.0,
                              f"skipped: {', '.join(blocked)} failed", dry_run)
                )
                continue
            outcome = await self._run_one(job, now, dry_run, term, report)
            reports.append(outcome)
            if not outcome.ok:
                failed.add(job.name)
        return reports

    async def run_due_jobs(self, now: datetime, term: Term | None = None) -> list[JobReport]:
        """Run every job due at ``now`` (see module docstring); log and return their reports.

        Progress of a long job is logged every 10 s or 10% of its rows. Raises
        ``FencedOut`` when a newer leader has written (stop leading).
        """
        progress = logged_progress("maintenance", log)
        reports = []
        for job in self.jobs():
            if term is not None and term.lost.is_set():
                break
            if not await self._is_due(job, now):
                continue
            if not await self._dependencies_done(job, now):
                log.info("maintenance job %s waits for %s", job.name, ", ".join(job.after))
                continue
            report = await self._run_one(job, now, False, term, progress)
            log.info("maintenance %s: ok=%s rows=%d %.2fs %s",
                     job.name, report.ok, report.rows, report.seconds, report.detail)
            reports.append(report)
        return reports

    async def run(self, term: Term, now: Callable[[], datetime] = utcnow) -> None:
        """Run due jobs until ``term.lost`` is set (the leader's maintenance loop).

        Returns when the term is lost or a newer leader fenced this one out.
        """
        while not term.lost.is_set():
            try:
                await self.run_due_jobs(now(), term)
            except FencedOut:
                log.warning("maintenance stopped: a newer leader epoch has written")
                return
            except Exception:
                log.exception("maintenance tick failed; retrying later")
            delay = self.seconds_until_next_window(now())
            try:
                await asyncio.wait_for(term.lost.wait(), timeout=delay)
            except TimeoutError:
                continue

    def seconds_until_next_window(self, now: datetime) -> float:
        """Seconds until the next window opens (capped, so retries happen)."""
        ms = self.settings.maintenance
        upcoming = min(next_window_start(now, s, ms) for s in Schedule)
        return max(1.0, min(MAX_SLEEP_SECONDS, (upcoming - now).total_seconds()))

    async def _is_due(self, job: MaintenanceJob, now: datetime) -> bool:
        success = await MaintenanceRun.filter(job=job.name, ok=True).order_by("-started_at").first()
        attempt = await MaintenanceRun.filter(job=job.name).order_by("-started_at").first()
        last_success = success.started_at if success else None
        last_attempt = attempt.started_at if attempt else None
        return is_due(now, job.schedule, self.settings.maintenance, last_success, last_attempt)

    async def _dependencies_done(self, job: MaintenanceJob, now: datetime) -> bool:
        start = window_start(now, job.schedule, self.settings.maintenance)
        for dep in job.after:
            if not await MaintenanceRun.filter(job=dep, ok=True, started_at__gte=start).exists():
                return False
        return True

    async def _run_one(
        self, job: MaintenanceJob, now: datetime, dry_run: bool, term: Term | None,
        report: ProgressReport,
    ) -> JobReport:
        ctx = JobContext(
            now, job.cutoff(now), dry_run, self.settings.maintenance.batch_size, term,
            job=job.name, report=report,
        )
        record = None if dry_run else await MaintenanceRun.create(job=job.name, started_at=now)
        started = time.perf_counter()
        fenced_out: FencedOut | None = None
        try:
            with log_context.scope(None if job.owner == "core" else job.owner):
                result = await job.execute(ctx)
            ok, rows, detail = True, result.rows, result.detail
        except FencedOut as exc:
            fenced_out = exc
            ok, rows, detail = False, ctx.rows, f"fenced out: {exc}"
        except RunStopped as exc:
            ok, rows, detail = False, ctx.rows, f"interrupted: {exc}"
        except asyncio.CancelledError:
            # The leader stops: the batch in progress rolled back with its transaction;
            # say so in the run's record (bounded), then let the cancellation go on.
            if record is not None:
                record.finished_at = now + timedelta(seconds=time.perf_counter() - started)
                record.ok, record.rows = False, ctx.rows
                record.detail = "interrupted: the leader stopped"
                await _save_within(record, RECORD_STOP_SECONDS, job.name)
            raise
        except Exception as exc:
            log.exception("maintenance job %s failed", job.name)
            ok, rows, detail = False, ctx.rows, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        if record is not None:
            record.finished_at = now + timedelta(seconds=seconds)
            record.ok, record.rows, record.detail = ok, rows, detail
            await record.save(update_fields=["finished_at", "ok", "rows", "detail"])
        if fenced_out is not None:
            raise fenced_out
        return JobReport(job.name, job.owner, ok, rows, seconds, detail, dry_run)


async def _save_within(record: MaintenanceRun, seconds: float, job: str) -> None:
    """Save a run's outcome while the task is being cancelled, retrying for ``seconds``
    (the connection of the cancelled query may still be busy for a moment)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        saved = asyncio.ensure_future(
            record.save(update_fields=["finished_at", "ok", "rows", "detail"]))
        done, _ = await asyncio.wait({saved}, timeout=max(deadline - loop.time(), 0))
        if not done:
            saved.cancel()
        elif saved.exception() is None:
            return
        if loop.time() >= deadline:
            log.error("could not record the interrupted %s run within %g s", job, seconds)
            return
        await asyncio.sleep(0.05)
