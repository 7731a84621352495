"""What the scheduler finds due, and when it retries: ``scan`` at its limits, retry rows,
expired and foreign claims, the backoff formula. Times are explicit, never the clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from core.db.models import LeaderFence
from core.timers.claims import Scan, claim, foreign_claim_expiry, release, retry_delay, scan
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import Term, add_reminders, reminder_source, settings

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
S = timedelta(seconds=1)


async def handled(row: Any) -> bool:
    return True


async def test_a_row_due_exactly_now_is_due_and_not_the_next_due_time(guildhall_db) -> None:
    now_row, later_row = await add_reminders([T0, T0 + 60 * S])
    found = await scan(reminder_source(handled), T0, limit=5)
    assert found.due == [now_row] and later_row not in found.due
    assert found.next_due == T0 + 60 * S


async def test_exactly_limit_due_rows_are_all_returned(guildhall_db) -> None:
    pks = await add_reminders([T0 - 3 * S, T0 - 2 * S, T0 + 60 * S])
    found = await scan(reminder_source(handled), T0, limit=2)
    assert found.due == pks[:2]
    assert found.next_due == T0 + 60 * S  # not "more are due": exactly two were
    assert (await scan(reminder_source(handled), T0, limit=3)).due == pks[:2]


async def test_nothing_waiting_means_no_next_due_time(guildhall_db) -> None:
    assert await scan(reminder_source(handled), T0, limit=5) == Scan([], None)
    (pk,) = await add_reminders([T0 - S])
    assert (await scan(reminder_source(handled), T0, limit=5)).due == [pk]
    assert (await scan(reminder_source(handled), T0, limit=5)).next_due is None


async def test_retries_are_due_at_their_retry_time(guildhall_db) -> None:
    first, retried, waiting = await add_reminders([T0 - 5 * S, T0 - 9 * S, T0 - 8 * S])
    await Reminder.filter(id=retried).update(attempts=1, next_attempt_at=T0 - S)
    await Reminder.filter(id=waiting).update(attempts=1, next_attempt_at=T0 + 30 * S)
    found = await scan(reminder_source(handled), T0, limit=5)
    assert found.due == [first, retried]  # ordered by when each is due: -5 s, then -1 s
    assert found.next_due == T0 + 30 * S
    assert (await scan(reminder_source(handled), T0, limit=1)).next_due == T0


async def test_more_due_retries_than_the_limit_are_reported(guildhall_db) -> None:
    pks = await add_reminders([T0 - 9 * S, T0 - 9 * S, T0 - 9 * S])
    for offset, pk in zip((3, 2, 1), pks, strict=True):
        await Reminder.filter(id=pk).update(attempts=1, next_attempt_at=T0 - offset * S)
    found = await scan(reminder_source(handled), T0, limit=2)
    assert found.due == pks[:2] and found.next_due == T0  # a third retry is due too
    found = await scan(reminder_source(handled), T0, limit=3)
    assert found.due == pks and found.next_due is None


async def test_a_row_whose_claim_ran_out_is_due_again(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - S])
    source = reminder_source(handled)
    assert len(await claim(source, [pk], Term(1), T0, 10)) == 1
    assert (await scan(source, T0 + 5 * S, limit=5)).due == []
    assert (await scan(source, T0 + 10 * S, limit=5)).due == [pk]  # ran out exactly now
    assert (await scan(source, T0 + 11 * S, limit=5)).due == [pk]


async def test_only_live_foreign_claims_on_pending_rows_delay_the_scheduler(guildhall_db) -> None:
    live, failed, expired = await add_reminders([T0 - S, T0 - S, T0 - 60 * S])
    source = reminder_source(handled)
    await claim(source, [live], Term(2), T0, 30)
    await claim(source, [failed], Term(2), T0, 10)
    await Reminder.filter(id=failed).update(failed_at=T0)
    assert await claim(source, [expired], Term(2), T0 - 20 * S, 5)  # ran out at T0 - 15 s
    assert await foreign_claim_expiry(source, 1, T0) == T0 + 30 * S
    await Reminder.filter(id=live).update(completed=True)
    assert await foreign_claim_expiry(source, 1, T0) is None


async def test_the_fence_names_the_leader_that_released(guildhall_db) -> None:
    (pk,) = await add_reminders([T0 - S])
    term = Term(4, identity="worker-7")
    (held,) = await claim(reminder_source(handled), [pk], term, T0, 30)
    await LeaderFence.filter(name="leader").update(holder="someone-else")
    await release(held, term)
    assert (await LeaderFence.get(name="leader")).holder == "worker-7"
    assert (await Reminder.get(id=pk)).claimed_until is None


def test_the_backoff_doubles_with_jitter_and_is_capped() -> None:
    config = settings(retry_base_seconds=1.0, retry_max_seconds=100.0)
    state = random.getstate()
    try:
        for attempts, base in [(0, 1.0), (1, 2.0), (3, 8.0), (6, 64.0), (7, 100.0)]:
            random.seed(attempts)
            jitter = random.Random(attempts).uniform(0.8, 1.2)
            assert retry_delay(attempts, config) == min(100.0, base * jitter), attempts
    finally:
        random.setstate(state)
    for _ in range(200):
        assert 0.8 <= retry_delay(0, config) <= 1.2
        assert retry_delay(10, config) <= 100.0
