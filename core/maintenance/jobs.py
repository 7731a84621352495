"""Maintenance jobs and the batch machinery that runs retention policies.

Every policy run computes its cutoff ONCE, then handles at most ``batch_size`` rows per
transaction (keyset-paginated by primary key), so writers wait at most one short batch
and a crash leaves every row either fully handled or untouched. An archive batch copies
the selected ids into the archive and deletes exactly those ids in the same transaction:
a row can be neither lost nor doubled (the archive's primary key is the original id).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION, dialect, placeholders
from core.leader.election import Term, fenced_write
from core.plugins.contracts import RetentionKind, RetentionPolicy, Schedule
from core.runtime.progress import ProgressReport, no_report

ID_CHUNK = 5000  # ids per statement: under SQLite's and asyncpg's parameter limits


class RunStopped(Exception):
    """The leader lost its term while a job was running; the job stopped between batches."""


@dataclass
class JobContext:
    """The engine's :class:`core.plugins.contracts.MaintenanceContext` for one job run.

    With a ``term`` every write transaction is ``core.leader.election.fenced_write(term)``
    (``fenced(term.epoch)``): a stale leader's batch is rolled back with ``FencedOut``.
    Without one (a manual CLI run) transactions are not fenced; they start with a write
    so SQLite takes its write lock up front. ``report`` receives the job's progress
    (:meth:`progress`) as ``report(job, done, total)``.
    """

    now: datetime
    cutoff: datetime | None
    dry_run: bool
    batch_size: int
    term: Term | None = None
    rows: int = 0  # rows handled so far (reported when a job fails half-way)
    job: str = ""
    report: ProgressReport = no_report

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[BaseDBAsyncClient]:
        """One write transaction (fenced when run by the leader)."""
        if self.term is not None:
            async with fenced_write(self.term) as conn:
                yield conn
            return
        async with in_transaction(CONNECTION) as conn:
            if dialect() == "sqlite":
                # A no-op write takes the write lock now; reading first and upgrading
                # later could fail with SQLITE_BUSY when another connection commits.
                await conn.execute_query('UPDATE "leader_fence" SET "epoch" = "epoch" WHERE 1 = 0')
            yield conn

    def progress(self, done: int, total: int | None = None) -> None:
        """Report that the job has handled ``done`` of ``total`` rows (shown to the operator)."""
        self.report(self.job, done, total)

    def check_running(self) -> None:
        """Raise :class:`RunStopped` when the leader's term is lost."""
        if self.term is not None and self.term.lost.is_set():
            raise RunStopped("leadership lost; stopped between batches")


@dataclass(frozen=True, slots=True)
class JobResult:
    """What a job did (or, in a dry run, would do)."""

    rows: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class MaintenanceJob:
    """One named job the engine schedules; built from a policy or by core.

    Attributes:
        name: unique name (``--job NAME``).
        schedule: daily or weekly.
        execute: ``async (context) -> JobResult``.
        older_than: retention period, used to compute the run's cutoff (``None``: none).
        cutoff_floor: optional adjustment of the cutoff (e.g. start of week).
        after: jobs that must have succeeded in the current window first.
        owner: the plugin (or ``"core"``) that declared it.
    """

    name: str
    schedule: Schedule
    execute: Callable[[JobContext], Awaitable[JobResult]]
    older_than: timedelta | None = None
    cutoff_floor: Callable[[datetime], datetime] | None = None
    after: tuple[str, ...] = ()
    owner: str = "core"

    def cutoff(self, now: datetime) -> datetime | None:
        """The run's single cutoff: ``now - older_than``, floored if configured."""
        if self.older_than is None:
            return None
        cutoff = now - self.older_than
        return self.cutoff_floor(cutoff) if self.cutoff_floor else cutoff


def policy_job(policy: RetentionPolicy, owner: str) -> MaintenanceJob:
    """The engine job that runs ``policy``."""

    async def execute(ctx: JobContext) -> JobResult:
        return await run_policy(policy, ctx)

    return MaintenanceJob(
        name=policy.name,
        schedule=Schedule(policy.schedule),
        execute=execute,
        older_than=policy.older_than if policy.kind != RetentionKind.ROLLUP else None,
        cutoff_floor=policy.cutoff_floor,
        after=policy.after,
        owner=owner,
    )


async def run_policy(policy: RetentionPolicy, ctx: JobContext) -> JobResult:
    """Run one retention policy with ``ctx`` (its cutoff already computed)."""
    kind = RetentionKind(policy.kind)
    if kind == RetentionKind.ROLLUP:
        assert policy.rollup is not None
        rows = await policy.rollup(ctx)
        verb = "would be written" if ctx.dry_run else "written"
        return JobResult(rows, f"summary rows {verb}")
    if ctx.cutoff is None:
        raise ValueError(f"policy {policy.name!r} has no cutoff")
    where = {f"{policy.age_column}__lt": ctx.cutoff, **policy.extra_filter}
    verb = {"expire": "expired", "archive": "archived", "delete": "deleted"}[kind.value]
    rows_of = f"{policy.model._meta.db_table} rows dated before {ctx.cutoff:%Y-%m-%d %H:%M} UTC"
    if ctx.dry_run:
        count = await policy.model.filter(**where).count()
        return JobResult(count, f"{rows_of} would be {verb}")
    detail = f"{rows_of} {verb}"
    if kind == RetentionKind.ARCHIVE:
        _check_archive_columns(policy)
    last_id: Any = None
    share_lock = dialect() == "sqlite"
    total = await policy.model.filter(**where).count()  # for the progress shown
    ctx.progress(0, total)
    while True:
        ctx.check_running()
        started = time.monotonic()
        async with ctx.transaction() as conn:
            ids = await _select_batch(policy.model, where, last_id, ctx.batch_size, conn)
            handled = await _apply(policy, kind, ids, ctx.now, conn) if ids else 0
        ctx.rows += handled
        ctx.progress(ctx.rows, max(total, ctx.rows))
        if len(ids) < ctx.batch_size:
            return JobResult(ctx.rows, detail)
        last_id = ids[-1]
        # SQLite has one write lock: leave it free as long as the batch held it, so the
        # writers waiting for it get in (re-taking it at once starves them for seconds)
        pause = min(max(time.monotonic() - started, 0.005), 0.25) if share_lock else 0
        await asyncio.sleep(pause)  # and let other tasks of this process reach the database


async def _select_batch(
    model: type[Model],
    where: dict[str, Any],
    after_id: Any,
    limit: int,
    conn: BaseDBAsyncClient,
) -> list[Any]:
    """Up to ``limit`` ids matching ``where`` after ``after_id``, locked on PostgreSQL."""
    pk = model._meta.pk_attr
    query = model.filter(**where)
    if after_id is not None:
        query = query.filter(**{f"{pk}__gt": after_id})
    query = query.using_db(conn).order_by(pk).limit(limit).only(pk)
    rows = await query.select_for_update(skip_locked=True)
    return [row.pk for row in rows]


async def _apply(
    policy: RetentionPolicy,
    kind: RetentionKind,
    ids: Sequence[Any],
    now: datetime,
    conn: BaseDBAsyncClient,
) -> int:
    """Expire, delete or archive exactly ``ids`` on ``conn``; return the rows handled."""
    model = policy.model
    pk = model._meta.pk_attr
    handled = 0
    for start in range(0, len(ids), ID_CHUNK):
        chunk = list(ids[start : start + ID_CHUNK])
        rows = model.filter(**{f"{pk}__in": chunk}).using_db(conn)
        if kind == RetentionKind.EXPIRE:
            handled += await rows.update(**policy.set_values)
            continue
        if kind == RetentionKind.ARCHIVE:
            copied = await _copy_to_archive(policy, chunk, now, conn)
            deleted = await rows.delete()
            if copied != deleted or deleted != len(chunk):
                raise RuntimeError(
                    f"{policy.name}: copied {copied} but deleted {deleted} of {len(chunk)} "
                    "rows; rolled back"
                )
            handled += deleted
            continue
        handled += await rows.delete()
    return handled


def _columns(model: type[Model]) -> list[str]:
    return list(model._meta.fields_db_projection.values())


def _check_archive_columns(policy: RetentionPolicy) -> None:
    assert policy.archive_model is not None
    wanted = set(_columns(policy.model)) | {"archived_at"}
    missing = wanted - set(_columns(policy.archive_model))
    if missing:
        raise ValueError(
            f"{policy.name}: {policy.archive_model._meta.db_table} lacks column(s) "
            f"{', '.join(sorted(missing))}"
        )


async def _copy_to_archive(
    policy: RetentionPolicy, ids: list[Any], now: datetime, conn: BaseDBAsyncClient
) -> int:
    """INSERT INTO archive SELECT the rows with ``ids``; return how many are archived.

    Identifiers come from the models, values are parameters: no SQL from user text.
    """
    assert policy.archive_model is not None
    columns = _columns(policy.model)
    names = ", ".join(f'"{c}"' for c in columns)
    source = policy.model._meta.db_table
    target = policy.archive_model._meta.db_table
    pk_column = policy.model._meta.fields_db_projection[policy.model._meta.pk_attr]
    marks = placeholders(conn, len(ids) + 1)
    sql = (
        f'INSERT INTO "{target}" ({names}, "archived_at") '  # noqa: S608
        f'SELECT {names}, {marks[0]} FROM "{source}" '
        f'WHERE "{pk_column}" IN ({", ".join(marks[1:])})'
    )
    await conn.execute_query(sql, [now, *ids])
    # asyncpg reports no INSERT row count through Tortoise: count what is now archived.
    marks = placeholders(conn, len(ids))
    _, rows = await conn.execute_query(
        f'SELECT COUNT(*) AS "n" FROM "{target}" '  # noqa: S608
        f'WHERE "{pk_column}" IN ({", ".join(marks)})',
        ids,
    )
    return int(rows[0]["n"])


