"""The durable scheduler on SQLite and PostgreSQL: on time, no polling, claims, retries."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime

import pytest

from core.coordination.wakeups import LocalWakeups
from core.timers import claims as timer_claims
from core.timers.scheduler import Scheduler
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import (
    Recorder,
    add_reminders,
    in_seconds,
    reminder_source,
    running,
)

# "On time" without depending on the machine's speed. A sleeping scheduler wakes for the
# next due row, a notification of a new row, or the safety re-check (30 s, the most the
# settings allow). Each test tells the first two from the third: a row handled well before
# the re-check was handled because the scheduler slept exactly until it was due (or was
# woken for it). How late a timer is on an idle machine is the timers bench's figure
# (``python -m tests.bench.timers``, p99 < 1 s), not a unit test's: a loaded machine may
# stall any process for a second or more.
SAFETY_RECHECK = 30.0
WELL_BEFORE_THE_RECHECK = 15.0  # the re-check would make these rows >= 28.5 s late


def assert_woken_by_its_own_timer(lateness: float) -> None:
    """Handled at or after its due time (never early), and not by the safety re-check."""
    assert lateness >= -0.01, f"handled {-lateness:.3f} s before it was due"
    assert lateness < WELL_BEFORE_THE_RECHECK, (
        f"handled {lateness:.1f} s late: woken by the safety re-check, not by its own timer")


async def asleep(scheduler: Scheduler) -> datetime:
    """Wait until ``scheduler`` sleeps; when that sleep ends."""
    deadline = time.monotonic() + 60
    while scheduler.sleeping_until is None:
        assert time.monotonic() < deadline, "the scheduler never went to sleep"
        await asyncio.sleep(0.01)
    return scheduler.sleeping_until


def count_scans(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record each scan the scheduler makes (its time); the scans still run for real."""
    scans: list[float] = []
    real_scan = timer_claims.scan

    async def counting_scan(*args, **kwargs):
        scans.append(time.monotonic())
        return await real_scan(*args, **kwargs)

    monkeypatch.setattr(timer_claims, "scan", counting_scan)
    return scans


async def test_rows_due_in_the_past_are_handled_at_once_and_finished(guildhall_db) -> None:
    ids = await add_reminders([in_seconds(-60 - i) for i in range(30)])
    recorder = Recorder()
    # How soon is the on-time tests' subject; here: all handled once, all finished.
    async with running(reminder_source(recorder)):
        await recorder.wait_for(30, within=120)
    assert sorted(recorder.pks()) == ids
    rows = await Reminder.all()
    assert all(r.completed and r.claimed_until is None and r.attempts == 0 for r in rows)


async def test_row_due_soon_is_handled_on_time_without_polling(guildhall_db, monkeypatch) -> None:
    scans = count_scans(monkeypatch)
    due = in_seconds(1.5)
    await add_reminders([due])
    recorder = Recorder()
    async with running(reminder_source(recorder), safety_recheck_seconds=SAFETY_RECHECK):
        await recorder.wait_for(1, within=SAFETY_RECHECK + 60)
    assert_woken_by_its_own_timer(recorder.calls[0][1] - due.timestamp())
    assert len(scans) <= 3, f"{len(scans)} scans for one row: that is polling"


async def test_sleeps_until_the_next_due_row_not_a_poll_period(guildhall_db, monkeypatch) -> None:
    scans = count_scans(monkeypatch)
    (row_id,) = await add_reminders([in_seconds(25)])  # before the 30 s re-check
    due = (await Reminder.get(id=row_id)).remind_at
    recorder = Recorder()
    async with running(reminder_source(recorder), safety_recheck_seconds=SAFETY_RECHECK) as run:
        until = await asleep(run.scheduler)
        # the row's due time (computed a moment after the scan: allow 5 s), not the re-check
        assert 0 <= (until - due).total_seconds() < 5, f"sleeps until {until}, row due {due}"
        await asyncio.sleep(0.5)
    assert len(scans) == 1 and recorder.calls == []


async def test_later_row_waits_and_failed_or_live_claimed_rows_are_left_alone(
    guildhall_db,
) -> None:
    later, failed, claimed = await add_reminders([in_seconds(3600), in_seconds(-5), in_seconds(-5)])
    await Reminder.filter(id=failed).update(failed_at=in_seconds(-1), attempts=12)
    await Reminder.filter(id=claimed).update(claimed_epoch=7, claimed_until=in_seconds(3600))
    recorder = Recorder()
    async with running(reminder_source(recorder)):
        await asyncio.sleep(1.0)
    assert recorder.calls == []
    assert await Reminder.filter(completed=True).count() == 0


async def test_expired_claim_is_reclaimed_when_it_runs_out(guildhall_db) -> None:
    dead_at, live = await add_reminders([in_seconds(-30), in_seconds(-30)])
    await Reminder.filter(id=dead_at).update(claimed_epoch=1, claimed_until=in_seconds(-1))
    expires = in_seconds(1.5)
    await Reminder.filter(id=live).update(claimed_epoch=1, claimed_until=expires)
    recorder = Recorder()
    async with running(reminder_source(recorder), epoch=2,
                       safety_recheck_seconds=SAFETY_RECHECK):
        await recorder.wait_for(2, within=SAFETY_RECHECK + 60)
    assert recorder.pks() == [dead_at, live]
    assert_woken_by_its_own_timer(recorder.calls[1][1] - expires.timestamp())
    assert await Reminder.filter(completed=True).count() == 2


async def test_two_leaders_racing_handle_each_row_once(guildhall_db) -> None:
    ids = await add_reminders([in_seconds(-10)] * 120)
    stale, fresh = Recorder(delay=0.02), Recorder(delay=0.02)
    options = {"max_concurrency": 10, "claim_seconds": 1.0, "safety_recheck_seconds": 5}
    async with (
        running(reminder_source(stale), epoch=1, **options) as old,
        running(reminder_source(fresh), epoch=2, **options),
    ):
        deadline = time.monotonic() + 120  # liveness only: generous
        while await Reminder.filter(completed=False).count():
            assert time.monotonic() < deadline, "rows left unfinished"
            await asyncio.sleep(0.05)
        assert old.task is not None
        done, _ = await asyncio.wait([old.task], timeout=60)
        assert done, "the fenced-out scheduler did not stop"
        assert type(old.task.exception()).__name__ == "FencedOut"
    counts = Counter(stale.pks() + fresh.pks())
    assert sorted(counts) == ids
    assert set(counts.values()) == {1}
    assert len(fresh.calls) > 0


async def test_failures_retry_with_backoff_then_fail_permanently(guildhall_db, caplog) -> None:
    (row_id,) = await add_reminders([in_seconds(-1)])
    reported: list[tuple[int, str]] = []

    async def always_fails(row, attempt: int) -> bool:
        if attempt % 2:
            return False
        raise RuntimeError(f"discord said no ({attempt})")

    async def report(row, error: str) -> None:
        reported.append((row.pk, error))

    recorder = Recorder(outcomes=always_fails)
    source = reminder_source(recorder, on_permanent_failure=report)
    with caplog.at_level("ERROR", logger="core.timers.scheduler"):
        async with running(source, max_attempts=3, retry_base_seconds=0.2):
            await recorder.wait_for(3, within=60)
            await asyncio.sleep(1.5)  # a fourth try would have come by now
    times = [at for _, at in recorder.calls]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.2 * 0.8 - 0.01  # retry_base * 2**0, -20% jitter
    assert times[2] - times[1] >= 0.4 * 0.8 - 0.01  # retry_base * 2**1
    row = await Reminder.get(id=row_id)
    assert row.attempts == 3 and row.failed_at is not None and not row.completed
    assert row.last_error == "handler returned False"
    assert reported == [(row_id, "handler returned False")]
    assert f"timer test.reminders row {row_id} failed permanently after 3 attempts" in caplog.text


async def test_exception_is_recorded_and_a_later_success_finishes(guildhall_db) -> None:
    (row_id,) = await add_reminders([in_seconds(-1)])

    async def fails_once(row, attempt: int) -> bool:
        if attempt == 1:
            raise RuntimeError("gateway timeout")
        assert row.attempts == 1 and row.last_error == "RuntimeError: gateway timeout"
        return True

    recorder = Recorder(outcomes=fails_once)
    async with running(reminder_source(recorder), retry_base_seconds=0.1):
        await recorder.wait_for(2, within=60)
        await asyncio.sleep(0.2)
    row = await Reminder.get(id=row_id)
    assert row.completed and row.attempts == 1 and row.failed_at is None


async def test_term_lost_stops_promptly_and_cancels_running_handlers(guildhall_db) -> None:
    (row_id,) = await add_reminders([in_seconds(-1)])
    started, cancelled = asyncio.Event(), []

    async def hangs(row) -> bool:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(row.pk)
            raise
        return True

    run = running(reminder_source(hangs))
    async with run:
        await asyncio.wait_for(started.wait(), 10)
        run.term.lost.set()  # the handler never returns: stopping at all means cancelling it
        done, _ = await asyncio.wait([run.task], timeout=60)
        assert done, "the scheduler did not stop after term.lost"
    assert run.error is None and cancelled == [row_id]
    row = await Reminder.get(id=row_id)  # claim released, not counted as an attempt
    assert row.claimed_until is None and row.attempts == 0 and not row.completed
    recorder = Recorder()
    async with running(reminder_source(recorder), epoch=2):  # the next leader takes it at once
        await recorder.wait_for(1, within=60)
    assert recorder.pks() == [row_id]


async def test_delete_and_custom_finish_and_several_sources(guildhall_db) -> None:
    from core.plugins.contracts import TimerSource
    from plugins.moderation.models import TempPunishment, Warning
    from tests.core.timers.scheduler_kit import Running, Term, settings

    await TempPunishment.create(user_id=1, guild_id=2, punishment_type="ban",
                                expires_at=in_seconds(-1))
    await Warning.create(user_id=1, guild_id=2, moderator_id=3, expires_at=in_seconds(0.5))
    (reminder_id,) = await add_reminders([in_seconds(1.0)])

    async def finish_reminder(row, conn) -> None:
        await Reminder.filter(id=row.pk).using_db(conn).update(completed=True, message="sent")

    unbans, expiries, reminders = Recorder(), Recorder(), Recorder()
    sources = [
        TimerSource("moderation.unban", TempPunishment, "expires_at", {}, unbans,
                    delete_when_done=True),
        TimerSource("moderation.warning_expiry", Warning, "expires_at", {"active": True},
                    expiries, done_update={"active": False}),
        reminder_source(reminders, done_update=None, finish=finish_reminder),
    ]
    scheduler = Scheduler(sources, settings(), LocalWakeups())
    async with Running(scheduler, Term(1)):
        for recorder in (unbans, expiries, reminders):
            await recorder.wait_for(1, within=60)
        await asyncio.sleep(0.2)
    assert await TempPunishment.all().count() == 0
    assert await Warning.filter(active=False).count() == 1
    assert (await Reminder.get(id=reminder_id)).message == "sent"


def test_a_source_that_cannot_be_finished_or_scheduled_is_refused() -> None:
    from core.coordination.wakeups import LocalWakeups
    from core.db.models import GuildConfig
    from core.plugins.contracts import TimerSource
    from tests.core.timers.scheduler_kit import settings

    async def handler(row) -> bool:
        return True

    unfinished = reminder_source(handler, done_update=None)
    with pytest.raises(ValueError, match="must say how a handled row is finished"):
        Scheduler([unfinished], settings(), LocalWakeups())
    wrong = TimerSource("x.y", GuildConfig, "created_at", {}, handler, delete_when_done=True)
    with pytest.raises(ValueError, match="must inherit core.timers.columns.TimerColumns"):
        Scheduler([wrong], settings(), LocalWakeups())
    twice = reminder_source(handler)
    with pytest.raises(ValueError, match="two timer sources are named 'test.reminders'"):
        Scheduler([twice, twice], settings(), LocalWakeups())
    typo = reminder_source(handler, due_column="remind_when")
    with pytest.raises(ValueError, match="has no column 'remind_when'"):
        Scheduler([typo], settings(), LocalWakeups())


@pytest.mark.parametrize("channel", ["database", "redis"])
async def test_row_created_by_another_process_wakes_the_sleeping_scheduler(
    guildhall_db, guildhall_services, channel: str
) -> None:
    """Sleeping 30 s (safety re-check), the scheduler is woken by the other process's row.

    ``database``: the SQLite socket or PostgreSQL NOTIFY; ``redis``: pub/sub.
    """
    from core.coordination import coordination_for
    from tests.core.coordination.test_wakeups import ROOT
    from tests.core.timers.scheduler_kit import Running, Term, settings

    app_settings = guildhall_db.settings.model_copy(deep=True)
    env = {**os.environ, "DATABASE_URL": app_settings.database.url.get_secret_value(),
           "GUILDHALL_PLUGINS__ENABLED": json.dumps(app_settings.plugins.enabled)}
    env.pop("GUILDHALL_CONFIG", None)
    env.pop("REDIS_URL", None)
    app_settings.redis.url = type(app_settings.redis.url)("")  # the database channel
    if channel == "redis":
        if guildhall_services["redis"] is None:
            pytest.skip(guildhall_services["reasons"]["redis"])
        key = f"test:{uuid.uuid4().hex}"
        app_settings.redis.url = type(app_settings.redis.url)(guildhall_services["redis"].url)
        app_settings.leader.key = key
        env.update(REDIS_URL=guildhall_services["redis"].url, GUILDHALL_LEADER__KEY=key)
    await add_reminders([in_seconds(3600)])
    recorder = Recorder()
    scheduler = Scheduler([reminder_source(recorder)],
                          settings(safety_recheck_seconds=SAFETY_RECHECK),
                          coordination_for(app_settings).make_wakeups())
    async with Running(scheduler, Term(1)):
        recheck_at = await asleep(scheduler)  # the only row is due in an hour
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "tests.core.coordination.wakeup_sender", "insert", "2.5"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr
        row_id, due = done.stdout.split()
        await recorder.wait_for(1, within=SAFETY_RECHECK + 60)
    assert recorder.pks() == [int(row_id)]
    handled_at = recorder.calls[0][1]
    assert handled_at >= float(due) - 0.01, "handled before it was due"
    assert handled_at < recheck_at.timestamp(), "woken by the safety re-check, not the new row"


def test_timer_sources_are_collected_from_every_enabled_plugin() -> None:
    from core.plugins.hookspecs import hookimpl
    from core.plugins.manager import PluginManager
    from core.runtime.config import Settings
    from core.timers.scheduler import timer_sources

    async def handler(row) -> bool:
        return True

    class Timed:
        @hookimpl
        def guildhall_timer_sources(self) -> list:
            return [reminder_source(handler), reminder_source(handler, name="test.other")]

    manager = PluginManager(Settings(plugins={"enabled": []}))
    manager.register("timed", Timed())
    assert [source.name for source in timer_sources(manager)] == ["test.reminders", "test.other"]
