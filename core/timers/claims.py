"""The scheduler's database side: find due rows, claim them, record each outcome.

Every write goes through :func:`core.leader.fencing.fenced` with the leader's epoch, and every
write to a claimed row is guarded by that claim (``claimed_epoch`` and ``claimed_until``
unchanged), so a row is only ever finished by the process that holds its claim. Works the
same on SQLite and PostgreSQL: one guarded ``UPDATE`` claims a batch; the claimed rows are
read back inside the same transaction by the claim's unique ``(epoch, until)`` pair.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION
from core.leader.fencing import FencedOut, fenced
from core.plugins.contracts import TimerSource
from core.runtime.config import SchedulerSettings
from core.timers.columns import TimerColumns

MAX_ERROR_CHARS = 2000


class LeaderTerm(Protocol):
    """What the scheduler needs of the leader's term (see ``core.leader.election``)."""

    epoch: int
    identity: str
    lost: Any  # asyncio.Event


@dataclass(frozen=True, slots=True)
class Claim:
    """A row this leader claimed: only the holder of ``(epoch, until)`` may write it."""

    source: TimerSource
    row: TimerColumns
    epoch: int
    until: datetime

    @property
    def key(self) -> tuple[str, Any]:
        """``(source name, primary key)``: the row's identity across sources."""
        return self.source.name, self.row.pk


@dataclass(frozen=True, slots=True)
class Scan:
    """Due primary keys (oldest first) and the next due time after ``now``.

    ``next_due`` is ``now`` when more rows are due than were asked for, ``None`` when no
    claimable row is waiting at all.
    """

    due: list[Any]
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class Failure:
    """A recorded failed attempt: retried at ``retry_at``, or permanent when ``None``."""

    written: bool
    retry_at: datetime | None

    @property
    def permanent(self) -> bool:
        """The row is now failed for good (never retried)."""
        return self.written and self.retry_at is None


def _pk(source: TimerSource) -> str:
    return source.model._meta.pk_attr


def claimable(source: TimerSource, now: datetime) -> QuerySet:
    """Pending, not failed, and not held by a live claim."""
    return (
        source.model.filter(**source.pending_filter)
        .filter(failed_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lte=now))
    )


def _due_now(source: TimerSource, now: datetime) -> QuerySet:
    due: dict[str, Any] = {f"{source.due_column}__lte": now}  # Any: Q's keywords mix types
    first_try = Q(next_attempt_at=None, **due)
    return claimable(source, now).filter(first_try | Q(next_attempt_at__lte=now))


async def scan(source: TimerSource, now: datetime, limit: int) -> Scan:
    """Up to ``limit`` due rows and the next due time (two indexed, limited queries)."""
    due_col, pk = source.due_column, _pk(source)
    base = claimable(source, now)
    first = await (
        base.filter(next_attempt_at=None)
        .order_by(due_col)
        .limit(limit + 1)
        .values_list(pk, due_col)
    )
    retries = await (
        base.filter(next_attempt_at__not_isnull=True)
        .order_by("next_attempt_at")
        .limit(limit + 1)
        .values_list(pk, "next_attempt_at")
    )
    candidates = sorted(first + retries, key=lambda item: item[1])
    due_all = [key for key, at in candidates if at <= now]
    later = [at for _, at in candidates if at > now]
    # Each part is sorted and cut at limit + 1, so more than `limit` due rows in the merge
    # is the only way rows beyond the cut can be due; otherwise later[0] is the minimum.
    if len(due_all) > limit:
        next_due: datetime | None = now
    else:
        next_due = later[0] if later else None
    return Scan(due_all[:limit], next_due)


async def foreign_claim_expiry(source: TimerSource, epoch: int, now: datetime) -> datetime | None:
    """When the earliest live claim held by another epoch runs out (``None``: none held)."""
    values = cast(list[datetime], await (  # flat=True: bare values, not tuples
        source.model.filter(**source.pending_filter)
        .filter(failed_at=None, claimed_until__gt=now)
        .exclude(claimed_epoch=epoch)
        .order_by("claimed_until")
        .limit(1)
        .values_list("claimed_until", flat=True)
    ))
    return values[0] if values else None


async def claim(
    source: TimerSource, pks: list[Any], term: LeaderTerm, now: datetime, seconds: float
) -> list[Claim]:
    """Claim those of ``pks`` that are still due, in one fenced guarded UPDATE.

    Raises :class:`FencedOut` when a newer leader has written (nothing is claimed).
    """
    if not pks:
        return []
    until = now + timedelta(seconds=seconds)
    pk = _pk(source)
    async with fenced(term.epoch, term.identity) as conn:
        count = await (
            _due_now(source, now)
            .filter(**{f"{pk}__in": pks})
            .using_db(conn)
            .update(claimed_epoch=term.epoch, claimed_until=until)
        )
        if count == 0:
            return []
        rows = await (
            source.model.filter(**{f"{pk}__in": pks}, claimed_epoch=term.epoch, claimed_until=until)
            .using_db(conn)
            .order_by(source.due_column)
        )
    return [Claim(source, row, term.epoch, until) for row in rows]


def _held(claim: Claim, conn: BaseDBAsyncClient) -> QuerySet:
    return claim.source.model.filter(
        **{_pk(claim.source): claim.row.pk},
        claimed_epoch=claim.epoch,
        claimed_until=claim.until,
    ).using_db(conn)


async def _apply_finish(claim: Claim, conn: BaseDBAsyncClient) -> bool:
    source = claim.source
    if source.delete_when_done:
        return await _held(claim, conn).delete() > 0
    if source.done_update:
        return await _held(claim, conn).update(**source.done_update, claimed_until=None) > 0
    if await _held(claim, conn).update(claimed_until=None) == 0:
        return False
    assert source.finish is not None
    await source.finish(claim.row, conn)
    return True


async def finish(claim: Claim, term: LeaderTerm) -> bool:
    """Finish a handled row as its source says; ``False`` if the claim was no longer held.

    When a newer leader has fenced this epoch out, the finish is still recorded under the
    claim guard alone (the action did happen; repeating it would be the real harm), then
    :class:`FencedOut` is raised so the caller stops leading.
    """
    try:
        async with fenced(term.epoch, term.identity) as conn:
            return await _apply_finish(claim, conn)
    except FencedOut:
        async with in_transaction(CONNECTION) as conn:
            await _apply_finish(claim, conn)
        raise


def retry_delay(attempts_before: int, settings: SchedulerSettings) -> float:
    """Backoff before the next try: ``retry_base * 2**attempts_before``, capped, ±20% jitter."""
    capped = min(settings.retry_max_seconds, settings.retry_base_seconds * 2.0**attempts_before)
    return min(settings.retry_max_seconds, capped * random.uniform(0.8, 1.2))


async def record_failure(
    claim: Claim, term: LeaderTerm, error: str, settings: SchedulerSettings, now: datetime
) -> Failure:
    """Count a failed attempt: schedule the retry, or mark the row failed after the last.

    Nothing is written (``Failure(written=False)``) when the claim was no longer held.
    """
    attempts_before = claim.row.attempts or 0
    attempts = attempts_before + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": error[:MAX_ERROR_CHARS],
        "claimed_until": None,
    }
    retry_at = None
    if attempts >= settings.max_attempts:
        values["failed_at"] = now
    else:
        retry_at = now + timedelta(seconds=retry_delay(attempts_before, settings))
        values["next_attempt_at"] = retry_at
    async with fenced(term.epoch, term.identity) as conn:
        written = await _held(claim, conn).update(**values) > 0
    if written:
        claim.row.attempts = attempts
        claim.row.last_error = values["last_error"]
    return Failure(written, retry_at)


async def release(claim: Claim, term: LeaderTerm) -> None:
    """Drop the claim so the row can be claimed again at once (the action did not run)."""
    async with fenced(term.epoch, term.identity) as conn:
        await _held(claim, conn).update(claimed_until=None)
