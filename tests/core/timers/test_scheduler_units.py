"""The scheduler's parts called directly, without its loop: what a handler's outcome is
recorded as, what is logged, when a wake-up wakes it, which sources it refuses.

``test_scheduler.py`` holds the whole scheduler against the clock; these hold the exact
rules underneath (texts, boundaries) that an end-to-end run would not notice breaking,
in milliseconds instead of seconds.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.coordination.wakeups import LocalWakeups
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManager
from core.runtime import log_context
from core.runtime.config import Settings
from core.timers import claims as timer_claims
from core.timers.claims import Claim
from core.timers.scheduler import Scheduler, timer_sources, utcnow
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import (
    Term,
    add_reminders,
    in_seconds,
    reminder_source,
    settings,
)

LOGGER = "core.timers.scheduler"


async def _claim(scheduler: Scheduler) -> Claim:
    (row_id,) = await add_reminders([in_seconds(-1)])
    row = await Reminder.get(id=row_id)
    return Claim(scheduler.sources[0], row, 1, in_seconds(60))


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


async def test_a_handlers_outcome_is_recorded_in_words(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    answers: list[Any] = [True, False, "sent", None]
    seen_in_handler: list[bool] = []

    async def handler(row: Any) -> Any:
        seen_in_handler.append(claim.key in scheduler._in_handler)
        answer = answers.pop(0)
        if answer is None:
            raise LookupError("no such channel")
        return answer

    scheduler = Scheduler([reminder_source(handler)], settings(), LocalWakeups())
    claim = await _claim(scheduler)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        outcomes = [await scheduler._call_handler(claim) for _ in range(4)]
    assert outcomes == [None, "handler returned False", "handler returned 'sent'",
                        "LookupError: no such channel"]
    assert seen_in_handler == [True] * 4 and scheduler._in_handler == set()
    assert _messages(caplog) == [f"timer test.reminders row {claim.row.pk}: handler raised"]
    assert caplog.records[-1].exc_info is not None


async def test_a_handler_gets_its_share_of_the_claim_then_times_out(guildhall_db: Any) -> None:
    async def slow(row: Any) -> bool:
        await asyncio.sleep(60)
        return True

    scheduler = Scheduler([reminder_source(slow)], settings(claim_seconds=0.25), LocalWakeups())
    claim = await _claim(scheduler)
    assert await scheduler._call_handler(claim) == "handler timed out after 0.2 s"
    assert scheduler._in_handler == set()


async def test_a_permanent_failure_is_logged_and_reported_once(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    reported: list[tuple[int, str]] = []

    async def report(row: Any, error: str) -> None:
        reported.append((row.pk, error))
        raise RuntimeError("the report failed too")

    async def handler(row: Any) -> bool:
        return True

    scheduler = Scheduler([reminder_source(handler, on_permanent_failure=report)], settings(),
                          LocalWakeups())
    claim = await _claim(scheduler)
    claim.row.attempts = 3
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        await scheduler._report_permanent_failure(claim, "handler returned False")
    pk = claim.row.pk
    assert reported == [(pk, "handler returned False")]
    assert _messages(caplog) == [
        f"timer test.reminders row {pk} failed permanently after 3 attempts: "
        "handler returned False",
        f"timer test.reminders row {pk}: on_permanent_failure raised"]
    assert caplog.records[-1].exc_info is not None
    unreported = Scheduler([reminder_source(handler)], settings(), LocalWakeups())
    await unreported._report_permanent_failure(claim, "boom")  # no callback: only the log


def test_a_wake_up_wakes_only_for_a_row_due_before_the_current_sleep() -> None:
    async def handler(row: Any) -> bool:
        return True

    scheduler = Scheduler([reminder_source(handler)], settings(), LocalWakeups())
    at = datetime(2026, 1, 1, tzinfo=UTC)
    scheduler.on_wake(at)  # not asleep: any row wakes it
    assert scheduler._wake.is_set()
    scheduler._wake.clear()
    scheduler._sleep_until = at
    for due, wakes in ((at + timedelta(seconds=1), False), (at, False),
                       (at - timedelta(microseconds=1), True)):
        scheduler.on_wake(due)
        assert scheduler._wake.is_set() is wakes, due
        scheduler._wake.clear()


def test_timer_sources_are_asked_with_the_bot() -> None:
    async def handler(row: Any) -> bool:
        return True

    class Timed:
        @hookimpl
        def guildhall_timer_sources(self, bot: Any) -> list:
            return [reminder_source(handler, name=f"test.{bot}")]

    manager = PluginManager(Settings(plugins={"enabled": []}))
    manager.register("timed", Timed())
    assert [source.name for source in timer_sources(manager, "bot")] == ["test.bot"]
    assert [source.name for source in timer_sources(manager)] == ["test.None"]


async def test_a_started_handler_runs_in_its_plugins_log_scope_and_finishes(
    guildhall_db: Any,
) -> None:
    """The plugin is the source name up to its first dot; the subject is the row."""
    scopes: list[log_context.Scope | None] = []

    async def handler(row: Any) -> bool:
        scopes.append(log_context.current())
        return True

    source = reminder_source(handler, name="reminders.daily.digest")
    scheduler, term = Scheduler([source], settings(), LocalWakeups()), Term(1)
    (row_id,) = await add_reminders([in_seconds(-1)])
    [claim] = await timer_claims.claim(source, [row_id], term, utcnow(), 60)
    scheduler._start(term, claim)
    assert scheduler.in_flight == 1
    await asyncio.wait_for(scheduler._inflight[claim.key], 60)
    [scope] = scopes
    assert scope is not None and scope.plugin == "reminders" and scope.subject.pk == row_id
    assert scheduler.in_flight == 0 and (await Reminder.get(id=row_id)).completed
