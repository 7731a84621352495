"""Claiming in batches: what one guarded UPDATE takes and reads back, that finishing one
row of a batch leaves the others, and what a failed attempt records. Explicit times."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.db.models import LeaderFence
from core.timers.claims import claim, finish, record_failure, retry_delay
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import Term, add_reminders, reminder_source, settings

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
S = timedelta(seconds=1)


async def handled(row: Any) -> bool:
    return True


async def claimed_pks(pks: list[int], term: Term, now: datetime, seconds: float = 30) -> list:
    return [c.row.pk for c in await claim(reminder_source(handled), pks, term, now, seconds)]


async def test_only_due_rows_are_claimed(guildhall_db) -> None:
    due, future, backing_off, retry_due = await add_reminders(
        [T0 - S, T0 + 60 * S, T0 - 9 * S, T0 - 9 * S])
    await Reminder.filter(id=backing_off).update(attempts=1, next_attempt_at=T0 + 5 * S)
    await Reminder.filter(id=retry_due).update(attempts=1, next_attempt_at=T0 - S)
    assert await claimed_pks([future, backing_off], Term(1), T0) == []
    assert sorted(await claimed_pks([due, future, backing_off, retry_due], Term(1), T0)) == [
        due, retry_due]


async def test_a_claim_reads_back_only_its_own_rows(guildhall_db) -> None:
    a, b, c, d = await add_reminders([T0 - 4 * S, T0 - 3 * S, T0 - 2 * S, T0 - S])
    assert await claimed_pks([a], Term(1), T0) == [a]
    # same leader, same time and length: the same (epoch, until) as the claim of a
    assert await claimed_pks([b], Term(1), T0) == [b]
    # the same leader's live claim on a, from another time, is not read back again
    assert await claimed_pks([a, c], Term(1), T0 + S) == [c]
    # a newer leader, same expiry as a's claim: a is held, only d is its own
    assert await claimed_pks([a, d], Term(2), T0) == [d]


async def test_finishing_one_row_of_a_batch_leaves_the_others_claimed(guildhall_db) -> None:
    a, b = await add_reminders([T0 - 2 * S, T0 - S])
    term = Term(1, "worker-1")
    first, second = await claim(reminder_source(handled), [a, b], term, T0, 30)
    assert (first.until, first.epoch) == (second.until, second.epoch)
    assert await finish(first, term) is True
    done, other = await Reminder.get(id=a), await Reminder.get(id=b)
    assert (done.completed, done.claimed_until) == (True, None)
    assert (other.completed, other.claimed_until) == (False, second.until)
    assert (await LeaderFence.get(name="leader")).holder == "worker-1"


async def test_the_fence_names_the_leader_that_claimed_and_finished(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - S])
    (held,) = await claim(reminder_source(handled), [pk], Term(2, "claimer"), T0, 30)
    assert (await LeaderFence.get(name="leader")).holder == "claimer"
    await LeaderFence.filter(name="leader").update(holder="")
    await finish(held, Term(2, "claimer"))
    assert (await LeaderFence.get(name="leader")).holder == "claimer"


@pytest.mark.parametrize("attempts_before", [0, 2])
async def test_a_failed_attempt_schedules_its_retry(guildhall_db, attempts_before: int) -> None:
    (pk,) = await add_reminders([T0 - S])
    await Reminder.filter(id=pk).update(attempts=attempts_before)
    term = Term(1, "failer")
    (held,) = await claim(reminder_source(handled), [pk], term, T0, 30)
    await LeaderFence.filter(name="leader").update(holder="")
    config = settings(retry_base_seconds=10.0, retry_max_seconds=1000.0, max_attempts=5)
    state = random.getstate()
    try:
        random.seed(11)
        failure = await record_failure(held, term, "boom", config, T0 + S)
        random.seed(11)
        expected = T0 + S + timedelta(seconds=retry_delay(attempts_before, config))
    finally:
        random.setstate(state)
    assert failure.written and not failure.permanent and failure.retry_at == expected
    row = await Reminder.get(id=pk)
    assert (row.attempts, row.last_error, row.next_attempt_at, row.claimed_until,
            row.failed_at) == (attempts_before + 1, "boom", expected, None, None)
    assert (held.row.attempts, held.row.last_error) == (attempts_before + 1, "boom")
    assert (await LeaderFence.get(name="leader")).holder == "failer"


async def test_the_last_attempt_fails_the_row_for_good(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - S])
    (held,) = await claim(reminder_source(handled), [pk], Term(1), T0, 30)
    failure = await record_failure(held, Term(1), "x" * 3000, settings(max_attempts=1), T0 + S)
    assert failure.permanent and failure.retry_at is None
    row = await Reminder.get(id=pk)
    assert (row.attempts, row.failed_at, row.next_attempt_at) == (1, T0 + S, None)
    assert row.last_error == "x" * 2000  # cut to MAX_ERROR_CHARS
