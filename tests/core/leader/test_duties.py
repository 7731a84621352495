"""LeaderDuties: a process wins the lease and runs the timers; on stop another takes over.

SQLite runs the single-machine backends (file lock, socket wake-ups); PostgreSQL the
production ones (Redis lease and pub/sub), both with the real scheduler and database.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from core.coordination import wakeups
from core.leader.duties import LeaderDuties
from core.plugins.hookspecs import hookimpl
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import Recorder, reminder_source


class TimerPlugin:
    """A plugin whose only hook is one timer source on the reminders table."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.bots: list[object] = []

    @hookimpl
    def guildhall_timer_sources(self, bot):
        self.bots.append(bot)
        return [reminder_source(self.recorder)]


async def wait_until(check, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def add_reminder(due: datetime) -> Reminder:
    row = await Reminder.create(user_id=1, channel_id=2, message="tea", remind_at=due)
    await wakeups.notify_created(due)
    return row


async def test_the_elected_process_runs_timers_and_hands_over_on_stop(guildhall_db) -> None:
    recorder = Recorder()
    plugin = TimerPlugin(recorder)
    guildhall_db.plugins.register("timer-test", plugin)
    settings = guildhall_db.settings
    first = LeaderDuties(settings, guildhall_db.plugins, identity="first", bot="bot-a")
    second = LeaderDuties(settings, guildhall_db.plugins, identity="second", bot="bot-b")
    await first.start()
    try:
        await wait_until(lambda: first.is_leader)
        await second.start()
        assert plugin.bots == ["bot-a", "bot-b"]  # each process's sources get its own bot
        row = await add_reminder(datetime.now(UTC) + timedelta(seconds=1))
        await recorder.wait_for(1, within=10)
        handled_at = recorder.calls[0][1]
        assert handled_at - row.remind_at.timestamp() < 1.0
        assert not second.is_leader
        await first.stop()
        await wait_until(lambda: second.is_leader, within=settings.leader.ttl_seconds + 5)
        late = await add_reminder(datetime.now(UTC) - timedelta(seconds=1))
        await recorder.wait_for(2, within=10)
        assert recorder.pks() == [row.pk, late.pk]
        # the finish is written just after the handler returns
        deadline = time.monotonic() + 10
        while await Reminder.filter(completed=True).count() < 2:
            assert time.monotonic() < deadline, "rows were handled but not finished"
            await asyncio.sleep(0.05)
    finally:
        await first.stop()
        await second.stop()
    assert wakeups.installed() is None
