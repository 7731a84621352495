"""Timer claims: only the holder of a row's current claim may finish, fail or release it.

Each test lets a claim run out and another claim take the row, then has the old holder
act on it: nothing it does may change the row (the current holder's work would be lost
or repeated otherwise). Times are explicit (``now`` is passed in), never the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.leader.fencing import FencedOut
from core.plugins.contracts import TimerSource
from core.timers.claims import (
    Claim,
    claim,
    finish,
    foreign_claim_expiry,
    record_failure,
    release,
    scan,
)
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import Term, add_reminders, reminder_source, settings

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


async def handled(row: Any) -> bool:
    return True


async def mark_completed(row: Any, conn: Any) -> None:
    await Reminder.filter(id=row.pk).using_db(conn).update(completed=True)


SOURCES = {
    "done_update": lambda: reminder_source(handled),
    "delete_when_done": lambda: reminder_source(handled, done_update=None,
                                                delete_when_done=True),
    "finish": lambda: reminder_source(handled, done_update=None, finish=mark_completed),
}


async def one_claim(source: TimerSource, pk: int, term: Term, now: datetime,
                    seconds: float) -> Claim:
    claims = await claim(source, [pk], term, now, seconds)
    assert len(claims) == 1, "the row was not claimable"
    return claims[0]


async def row_state(pk: int) -> tuple[Any, ...] | None:
    row = await Reminder.get_or_none(id=pk)
    if row is None:
        return None
    return (row.completed, row.attempts, row.last_error, row.failed_at, row.next_attempt_at,
            row.claimed_epoch, row.claimed_until)


async def test_a_claim_cannot_be_taken_while_it_is_live(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - timedelta(minutes=1)])
    source = reminder_source(handled)
    await one_claim(source, pk, Term(1), T0, 30)
    assert await claim(source, [pk], Term(1), T0 + timedelta(seconds=29), 30) == []
    assert await claim(source, [pk], Term(2), T0 + timedelta(seconds=29), 30) == []


@pytest.mark.parametrize("mode", sorted(SOURCES))
async def test_old_claim_of_the_same_leader_changes_nothing(guildhall_db, mode: str) -> None:
    """The handler outlived its claim and the row was claimed again: the first claim's
    finish, failure and release must leave the second claim's row as it is."""
    (pk,) = await add_reminders([T0 - timedelta(minutes=1)])
    source, term = SOURCES[mode](), Term(1)
    old = await one_claim(source, pk, term, T0, 10)
    new = await one_claim(source, pk, term, T0 + timedelta(seconds=11), 10)
    before = await row_state(pk)
    assert before is not None and before[-1] == new.until

    failure = await record_failure(old, term, "boom", settings(max_attempts=1),
                                   T0 + timedelta(seconds=12))
    assert not failure.written and not failure.permanent
    assert await finish(old, term) is False
    await release(old, term)
    assert await row_state(pk) == before

    assert await finish(new, term) is True
    after = await row_state(pk)
    assert after is None if mode == "delete_when_done" else after[0] is True


async def test_old_claim_of_the_same_leader_cannot_fail_the_row(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - timedelta(minutes=1)])
    source, term = reminder_source(handled), Term(1)
    old = await one_claim(source, pk, term, T0, 10)
    new = await one_claim(source, pk, term, T0 + timedelta(seconds=11), 10)
    assert not (await record_failure(old, term, "late", settings(),
                                     T0 + timedelta(seconds=12))).written
    failure = await record_failure(new, term, "real", settings(max_attempts=1),
                                   T0 + timedelta(seconds=12))
    assert failure.permanent
    row = await Reminder.get(id=pk)
    assert (row.attempts, row.last_error, row.completed) == (1, "real", False)


@pytest.mark.parametrize("mode", sorted(SOURCES))
async def test_claim_taken_over_by_a_newer_leader(guildhall_db, mode: str) -> None:
    """A paused leader resumes after its claim ran out and a newer leader claimed the row:
    its finish is fenced out and, under the claim guard alone, touches nothing."""
    (pk,) = await add_reminders([T0 - timedelta(minutes=1)])
    source, stale, leader = SOURCES[mode](), Term(1, "stale"), Term(2, "new")
    old = await one_claim(source, pk, stale, T0, 30)
    new = await one_claim(source, pk, leader, T0 + timedelta(seconds=31), 30)
    before = await row_state(pk)

    with pytest.raises(FencedOut):
        await finish(old, stale)
    with pytest.raises(FencedOut):
        await record_failure(old, stale, "boom", settings(max_attempts=1),
                             T0 + timedelta(seconds=32))
    with pytest.raises(FencedOut):
        await release(old, stale)
    assert await row_state(pk) == before

    assert await finish(new, leader) is True


async def test_claim_with_the_same_expiry_but_another_epoch(guildhall_db) -> None:
    """Only the epoch tells the two claims apart: the old one still changes nothing."""
    (pk,) = await add_reminders([T0 - timedelta(minutes=1)])
    source, stale, leader = reminder_source(handled), Term(1, "stale"), Term(2, "new")
    old = await one_claim(source, pk, stale, T0, 10)
    new = await one_claim(source, pk, leader, old.until, 0)
    assert new.until == old.until and new.epoch != old.epoch
    before = await row_state(pk)
    with pytest.raises(FencedOut):
        await finish(old, stale)
    assert await row_state(pk) == before


async def test_scan_orders_due_rows_and_reports_the_next_due_time(guildhall_db) -> None:
    later = T0 + timedelta(minutes=5)
    old, older, future = await add_reminders([T0 - timedelta(seconds=10),
                                              T0 - timedelta(seconds=20), later])
    source = reminder_source(handled)
    found = await scan(source, T0, limit=5)
    assert (found.due, found.next_due) == ([older, old], later)
    assert (await scan(source, T0, limit=1)).next_due == T0  # more due than asked for
    held = await one_claim(source, older, Term(3), T0, 30)
    assert (await scan(source, T0, limit=5)).due == [old]  # a live claim is not due
    assert await foreign_claim_expiry(source, 4, T0) == held.until
    assert await foreign_claim_expiry(source, 3, T0) is None  # our own claim
    assert future not in (await scan(source, T0, limit=5)).due
