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
from core.leader.fencing import FencedOut, fenced
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManager
from core.runtime import log_context
from core.runtime.config import Settings
from core.timers import claims as timer_claims
from core.timers import scheduler as scheduler_module
from core.timers.claims import Claim
from core.timers.scheduler import Scheduler, source_problems, timer_sources, utcnow
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import (
    Recorder,
    Running,
    Term,
    add_reminders,
    in_seconds,
    reminder_source,
    running,
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
    tracebacks = [r.exc_info for r in caplog.records if r.name == LOGGER]
    assert [info and info[0] for info in tracebacks] == [LookupError]  # with its traceback


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
    assert [r.exc_info is not None for r in caplog.records if r.name == LOGGER] == [False, True]
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
    assert scheduler.in_flight == 1  # its task is named after the row (stack dumps, warnings)
    assert scheduler._inflight[claim.key].get_name() == f"timer {claim.key}"
    await asyncio.wait_for(scheduler._inflight[claim.key], 60)
    [scope] = scopes
    assert scope is not None and scope.plugin == "reminders" and scope.subject.pk == row_id
    assert scheduler.in_flight == 0 and (await Reminder.get(id=row_id)).completed


async def _handled(scheduler: Scheduler, term: Term | None = None) -> tuple[Claim, Term]:
    """A new due row, claimed by ``term`` (epoch 1 unless given)."""
    term = term or Term(1)
    row_id = (await add_reminders([in_seconds(-1)]))[-1]
    [claim] = await timer_claims.claim(scheduler.sources[0], [row_id], term, utcnow(), 60)
    return claim, term


def _source(answer: bool | None, **extra: Any) -> Any:
    async def handler(row: Any) -> bool:
        if answer is None:
            raise RuntimeError("discord said no")
        return answer

    return reminder_source(handler, **extra)


async def _run_handle(scheduler: Scheduler, claim: Claim, term: Term) -> None:
    task = asyncio.create_task(scheduler._handle(term, claim))
    scheduler._inflight[claim.key] = task
    await asyncio.wait_for(task, 60)
    assert scheduler.in_flight == 0


async def test_handled_rows_are_finished_and_a_lost_claim_is_said(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler = Scheduler([_source(True)], settings(), LocalWakeups())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        claim, term = await _handled(scheduler)
        await _run_handle(scheduler, claim, term)
        assert (await Reminder.get(id=claim.row.pk)).completed and _messages(caplog) == []
        lost, term = await _handled(scheduler)
        await Reminder.filter(id=lost.row.pk).update(claimed_until=None)  # it ran out
        await _run_handle(scheduler, lost, term)
    assert not (await Reminder.get(id=lost.row.pk)).completed
    assert _messages(caplog) == [
        f"timer test.reminders row {lost.row.pk}: claim lost before finishing"]


async def test_a_failure_is_recorded_and_its_retry_wakes_a_later_sleep(guildhall_db: Any) -> None:
    scheduler = Scheduler([_source(None)], settings(retry_base_seconds=1), LocalWakeups())
    claim, term = await _handled(scheduler)
    scheduler._sleep_until = in_seconds(3600)
    await _run_handle(scheduler, claim, term)
    row = await Reminder.get(id=claim.row.pk)
    assert (row.attempts, row.last_error) == (1, "RuntimeError: discord said no")
    assert row.next_attempt_at is not None and scheduler._wake.is_set()


async def test_a_last_failure_is_reported_as_permanent(guildhall_db: Any) -> None:
    reported: list[tuple[int, str]] = []

    async def report(row: Any, error: str) -> None:
        reported.append((row.pk, error))

    scheduler = Scheduler([_source(False, on_permanent_failure=report)],
                          settings(max_attempts=1), LocalWakeups())
    claim, term = await _handled(scheduler)
    await _run_handle(scheduler, claim, term)
    assert reported == [(claim.row.pk, "handler returned False")]
    assert (await Reminder.get(id=claim.row.pk)).failed_at is not None


async def test_a_newer_leader_at_finish_fences_the_scheduler_out(guildhall_db: Any) -> None:
    scheduler = Scheduler([_source(True)], settings(), LocalWakeups())
    claim, term = await _handled(scheduler)
    async with fenced(2, "the newer leader"):
        pass
    await _run_handle(scheduler, claim, term)
    assert isinstance(scheduler._fenced_out, FencedOut) and scheduler._wake.is_set()
    assert (await Reminder.get(id=claim.row.pk)).completed  # it was sent: not to be repeated


async def test_a_failing_finish_is_logged_and_the_slot_freed(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken_finish(row: Any, conn: Any) -> None:
        raise LookupError("no such message")

    scheduler = Scheduler([_source(True, done_update=None, finish=broken_finish)], settings(),
                          LocalWakeups())
    claim, term = await _handled(scheduler)
    scheduler._waiting_for_capacity = True
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        await _run_handle(scheduler, claim, term)
    assert _messages(caplog) == [
        f"timer test.reminders row {claim.row.pk}: recording the outcome failed"]
    assert scheduler._wake.is_set()  # a slot came free while all were busy


async def test_stopping_after_a_newer_leader_wrote_cancels_the_handler_quietly(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The claim cannot be released (fenced out): that is expected, not an error."""
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def hangs(row: Any) -> bool:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return True

    (row_id,) = await add_reminders([in_seconds(-1)])
    run = running(reminder_source(hangs))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with run:
            await asyncio.wait_for(started.wait(), 60)
            async with fenced(2, "the newer leader"):
                pass
    assert run.error is None and cancelled.is_set()
    assert (await Reminder.get(id=row_id)).claimed_epoch == 1  # not released: fenced out
    assert [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno >= logging.ERROR] == []


class _WakeupsDown(LocalWakeups):
    """A wake-up backend that cannot start (Redis or the database channel is down)."""

    async def _start(self) -> None:
        raise ConnectionError("redis is down")


class _WakeupsStuck(LocalWakeups):
    """A wake-up backend that never finishes stopping."""

    async def _stop(self) -> None:
        await asyncio.sleep(3600)


async def test_without_wake_ups_it_says_so_and_runs_on_the_safety_recheck(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    await add_reminders([in_seconds(-1)])
    scheduler = Scheduler([reminder_source(recorder)], settings(safety_recheck_seconds=30),
                          _WakeupsDown())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with Running(scheduler, Term(1)) as run:
            await recorder.wait_for(1, within=60)
    assert run.error is None
    assert _messages(caplog) == [
        "timer wake-ups unavailable (redis is down); new rows are seen within 30 s"]


async def test_wake_ups_that_do_not_stop_are_abandoned_with_a_word(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler_module, "STOP_GRACE_SECONDS", 0.2)
    scheduler = Scheduler([_source(True)], settings(), _WakeupsStuck())
    with caplog.at_level(logging.ERROR, logger="core.runtime.stopping"):
        async with Running(scheduler, Term(1)) as run:
            await asyncio.sleep(0.1)
    assert run.error is None
    assert [r.getMessage() for r in caplog.records if r.name == "core.runtime.stopping"] == [
        "timer wake-ups: stopping did not finish within 0.2 s; abandoned"]


async def test_a_failing_pass_is_logged_and_retried_until_the_term_ends(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _source(True, pending_filter={"no_such_column": 1})  # every scan fails
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        async with Running(Scheduler([broken], settings(), LocalWakeups()), Term(1)) as run:
            for _ in range(6000):  # the second pass comes DB_ERROR_PAUSE after the first
                if len(_messages(caplog)) >= 2:
                    break
                await asyncio.sleep(0.01)
            assert run.task is not None and not run.task.done()
    assert run.error is None and len(_messages(caplog)) >= 2
    assert set(_messages(caplog)) == {"timer scheduler pass failed; retrying in 1 s"}


async def test_a_pass_fenced_out_by_a_newer_leader_ends_the_run_with_fenced_out(
    guildhall_db: Any,
) -> None:
    async with fenced(2, "the newer leader"):
        pass
    await add_reminders([in_seconds(-1)])
    scheduler = Scheduler([_source(True)], settings(), LocalWakeups())
    with pytest.raises(FencedOut):
        await asyncio.wait_for(scheduler.run(Term(1)), 60)


async def test_a_term_without_trouble_logs_no_warning(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Two terms of one scheduler (leadership lost and won back): the second listens to
    its wake-ups again, since the first stopped listening."""
    recorder = Recorder()
    scheduler = Scheduler([reminder_source(recorder)], settings(), LocalWakeups())
    await add_reminders([in_seconds(-1), in_seconds(0.3)])
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with Running(scheduler, Term(1)):
            await recorder.wait_for(2, within=60)
        await add_reminders([in_seconds(-1)])
        async with Running(scheduler, Term(2)):
            await recorder.wait_for(3, within=60)
    assert _messages(caplog) == []


async def test_a_freed_slot_is_used_at_once_when_all_were_busy(guildhall_db: Any) -> None:
    """One slot, two due rows: the second is claimed as soon as the first handler ends,
    not at the safety re-check 30 s later."""
    recorder = Recorder(delay=0.2)
    await add_reminders([in_seconds(-2), in_seconds(-1)])
    async with running(reminder_source(recorder), max_concurrency=1, safety_recheck_seconds=30):
        await recorder.wait_for(2, within=20)


async def test_a_dead_leaders_claim_is_taken_when_it_runs_out_without_errors(
    guildhall_db: Any, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    (row_id,) = await add_reminders([in_seconds(-5)])
    await Reminder.filter(id=row_id).update(claimed_epoch=1, claimed_until=in_seconds(0.5))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        async with running(reminder_source(recorder), epoch=2, safety_recheck_seconds=30):
            await recorder.wait_for(1, within=20)  # at the claim's end, not the re-check's
    assert recorder.pks() == [row_id] and _messages(caplog) == []


async def test_it_sleeps_exactly_until_the_next_due_row(
    guildhall_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduler's clock stands still: a row due 0.9 s later is slept for exactly that
    long (not a second, not a busy loop), and a wake-up about a later row does not wake it."""
    start = utcnow()
    monkeypatch.setattr(scheduler_module, "utcnow", lambda: start)
    due = start + timedelta(seconds=0.9)
    await add_reminders([due])
    scheduler = Scheduler([_source(True)], settings(safety_recheck_seconds=30), LocalWakeups())
    async with Running(scheduler, Term(1)):
        for _ in range(2000):
            if scheduler._sleep_until is not None:
                break
            await asyncio.sleep(0.01)
        assert scheduler._sleep_until == due  # (no await since it was read: still asleep)
        scheduler.on_wake(due + timedelta(hours=1))
        assert not scheduler._wake.is_set()


async def test_sources_take_turns_when_there_is_room_for_one_row(guildhall_db: Any) -> None:
    """One slot, two sources with due rows: one row at a time, and each pass starts with
    the next source, so neither waits for the other to run dry."""
    from core.plugins.contracts import TimerSource
    from plugins.moderation.models import Warning

    handled: list[str] = []
    in_flight: list[int] = []

    def handler(name: str) -> Any:
        async def handle(row: Any) -> bool:
            handled.append(name)
            in_flight.append(scheduler.in_flight)
            return True
        return handle

    await add_reminders([in_seconds(-3)] * 3)
    for _ in range(3):
        await Warning.create(user_id=1, guild_id=2, moderator_id=3, expires_at=in_seconds(-3))
    sources = [reminder_source(handler("reminder")),
               TimerSource("moderation.warning_expiry", Warning, "expires_at", {"active": True},
                           handler("warning"), done_update={"active": False})]
    scheduler = Scheduler(sources, settings(max_concurrency=1), LocalWakeups())
    async with Running(scheduler, Term(1)):
        for _ in range(6000):
            if len(handled) >= 4:
                break
            await asyncio.sleep(0.01)
    assert handled[:4] == ["reminder", "warning", "reminder", "warning"]
    assert set(in_flight) == {1}  # never more rows at once than slots


async def test_a_handler_that_ignores_cancellation_is_left_behind_at_stop(
    guildhall_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stop waits STOP_GRACE_SECONDS for the handlers it cancelled, one more second for
    those that ignore it, then returns without them."""
    monkeypatch.setattr(scheduler_module, "STOP_GRACE_SECONDS", 0.2)
    started, give_up = asyncio.Event(), asyncio.Event()

    async def stubborn(row: Any) -> bool:
        started.set()
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if give_up.is_set():
                    raise

    await add_reminders([in_seconds(-1)])
    run = running(reminder_source(stubborn))
    async with run:
        await asyncio.wait_for(started.wait(), 60)
    assert run.error is None  # (Running fails the test if the stop takes over 60 s)
    give_up.set()
    for task in asyncio.all_tasks():
        if task.get_name().startswith("timer "):
            task.cancel()


def test_every_problem_of_the_sources_is_said_at_once() -> None:
    async def handler(row: Any) -> bool:
        return True

    broken = reminder_source(handler, due_column="remind_when", done_update=None)
    problems = source_problems([broken])
    assert len(problems) == 2
    with pytest.raises(ValueError) as caught:
        Scheduler([broken], settings(), LocalWakeups())
    assert str(caught.value) == f"{problems[0]}; {problems[1]}"


async def test_a_row_lost_between_scan_and_claim_is_looked_at_again_soon(
    guildhall_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another leader claims a row between this pass's scan and its claim: the pass looks
    up at once when that claim ends (it may be a dead leader's) and looks again
    ``BUSY_RETRY_SECONDS`` later, without an error. A pass that claims all it found looks
    nothing up again."""
    looked_up: list[int] = []
    real_expiry = timer_claims.foreign_claim_expiry

    async def counting_expiry(source: Any, epoch: int, now: datetime) -> datetime | None:
        looked_up.append(epoch)
        return await real_expiry(source, epoch, now)

    monkeypatch.setattr(timer_claims, "foreign_claim_expiry", counting_expiry)
    recorder = Recorder()
    scheduler = Scheduler([reminder_source(recorder)], settings(), LocalWakeups(),
                          batch_size=1)
    term = Term(1)
    assert await scheduler._dispatch(term, utcnow()) is None  # nothing: the term's first look
    assert len(looked_up) == 1

    await add_reminders([in_seconds(-1)])
    await scheduler._dispatch(term, utcnow())  # claims all it found: no second look-up
    await recorder.wait_for(1, within=60)
    assert len(looked_up) == 1

    lost = in_seconds(-1)
    theirs = in_seconds(20)
    real_scan = timer_claims.scan

    async def scan_then_lose_the_row(source: Any, now: datetime, limit: int) -> Any:
        found = await real_scan(source, now, limit)
        await Reminder.filter(remind_at=lost).update(claimed_epoch=9, claimed_until=theirs)
        return found

    for text in ("lost", "lost too"):  # more due than a batch (1): the next pass comes soon
        await Reminder.create(user_id=1, channel_id=2, message=text, remind_at=lost)
    monkeypatch.setattr(timer_claims, "scan", scan_then_lose_the_row)
    now = utcnow()
    next_look = await scheduler._dispatch(term, now)
    assert next_look == now + timedelta(seconds=scheduler_module.BUSY_RETRY_SECONDS)
    assert len(looked_up) == 2 and scheduler.in_flight == 0
    assert scheduler._foreign_expiry is not None
    assert abs((scheduler._foreign_expiry - theirs).total_seconds()) < 0.001


async def test_more_due_than_a_batch_all_claimed_is_looked_at_again_at_once(
    guildhall_db: Any,
) -> None:
    """More rows due than one pass may take, all it took claimed: the next pass comes at
    once (not ``BUSY_RETRY_SECONDS`` later, which is for rows it could not claim)."""
    recorder = Recorder()
    first, second = await add_reminders([in_seconds(-2), in_seconds(-1)])
    scheduler = Scheduler([reminder_source(recorder)], settings(), LocalWakeups(),
                          batch_size=1)
    now = utcnow()
    assert await scheduler._dispatch(Term(1), now) == now
    assert scheduler.in_flight <= 1
    await recorder.wait_for(1, within=60)
    assert recorder.pks() == [first]
