"""LeaderDuties.stop() is bounded even when what it stops ignores cancellation.

Reproduces the CI hang deterministically: the elected process is handling a timer whose
handler swallows ``CancelledError`` (a REST client retrying through a cancel), and its
wake-up channel's teardown ignores cancellation the way redis-py's shielded
``PubSub.aclose()`` can. Before the fix ``stop()`` waited on both forever; now it returns
within ``STOP_SECONDS``, having released the lease, and the timer row stays claimable.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from core.coordination import wakeups
from core.coordination.wakeups import LocalWakeups
from core.leader.duties import STOP_SECONDS, LeaderDuties
from core.plugins.hookspecs import hookimpl
from core.runtime.stopping import cancel_and_wait, finish_within
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import reminder_source

pytestmark = pytest.mark.reliability
SLACK = 30.0  # scheduling slack on a loaded machine, on top of the deadline under test


class Stubborn:
    """Waits for ``released``, swallowing every cancellation until then."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.released = asyncio.Event()
        self.cancels = 0

    async def hold(self) -> None:
        self.entered.set()
        while not self.released.is_set():
            try:
                await self.released.wait()
            except asyncio.CancelledError:
                self.cancels += 1


class StuckTeardownWakeups(LocalWakeups):
    """In-process wake-ups whose stop ignores cancellation until released."""

    def __init__(self, stubborn: Stubborn) -> None:
        super().__init__()
        self.stubborn = stubborn

    async def _stop(self) -> None:
        await self.stubborn.hold()


class StubbornTimerPlugin:
    """One timer source whose handler ignores cancellation (slow REST that will not stop)."""

    def __init__(self, handler: Stubborn) -> None:
        self.handler = handler

    @hookimpl
    def guildhall_timer_sources(self, bot):
        async def handle(row) -> bool:
            await self.handler.hold()
            return True

        return [reminder_source(handle)]


async def eventually(check, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_stop_is_bounded_when_a_handler_and_the_wakeup_teardown_ignore_cancellation(
    guildhall_db,
) -> None:
    handler, teardown = Stubborn(), Stubborn()
    guildhall_db.plugins.register("stubborn-timers", StubbornTimerPlugin(handler))
    settings = guildhall_db.settings
    duties = LeaderDuties(settings, guildhall_db.plugins, identity="stubborn")
    duties.wakeups = StuckTeardownWakeups(teardown)
    await duties.start()
    stopper: asyncio.Task[None] | None = None
    try:
        await eventually(lambda: _true(duties.is_leader))
        row = await Reminder.create(user_id=1, channel_id=2, message="tea",
                                    remind_at=datetime.now(UTC) - timedelta(seconds=1))
        await wakeups.notify_created(row.remind_at)
        await asyncio.wait_for(handler.entered.wait(), 60)

        started = time.monotonic()
        stopper = asyncio.create_task(duties.stop())
        done, _ = await asyncio.wait({stopper}, timeout=STOP_SECONDS + SLACK)
        assert stopper in done, "LeaderDuties.stop() hung on a duty ignoring cancellation"
        stopper.result()
        assert time.monotonic() - started <= STOP_SECONDS + SLACK
        assert teardown.cancels >= 1, "the wake-up teardown was never bounded"
        assert handler.cancels >= 1, \
            "the running timer handler was never cancelled (the scheduler's stop hung first)"
        assert not duties.is_leader
        assert wakeups.installed() is None

        # The lease is free at once: another process takes over within the ttl.
        successor = LeaderDuties(settings, guildhall_db.plugins, identity="successor")
        successor.wakeups = LocalWakeups()
        await successor.start()
        try:
            await eventually(lambda: _true(successor.is_leader),
                             within=settings.leader.ttl_seconds + SLACK)
        finally:
            await successor.stop()
    finally:
        handler.released.set()
        teardown.released.set()
        if stopper is not None and not stopper.done():
            await asyncio.wait({stopper}, timeout=SLACK)
        await asyncio.sleep(0)
    # The left-behind handler ends once released; its row is then done or claimable.
    await eventually(lambda: _settled(row.pk))


async def _true(value: bool) -> bool:
    return value


async def _settled(pk: int) -> bool:
    """The row is finished, or no live claim holds it (due again for the next leader)."""
    row = await Reminder.get(pk=pk)
    now = datetime.now(UTC)
    return row.completed or row.claimed_until is None or row.claimed_until <= now


async def test_cancel_and_wait_returns_at_the_deadline_and_names_what_it_left() -> None:
    stubborn = Stubborn()
    task = asyncio.create_task(stubborn.hold(), name="stubborn-task")
    try:
        await stubborn.entered.wait()
        left = await cancel_and_wait({task}, 0.2, "test")
        assert left == {task} and stubborn.cancels == 1
        # A task already being cancelled is not cancelled again (its clean-up goes on).
        assert await cancel_and_wait({task}, 0.0, "test") == {task}
        await asyncio.sleep(0)
        assert stubborn.cancels == 1
    finally:
        stubborn.released.set()
        await asyncio.wait({task}, timeout=SLACK)
    assert task.done()


async def test_finish_within_abandons_an_awaitable_that_ignores_cancellation() -> None:
    stubborn = Stubborn()
    try:
        assert await finish_within(stubborn.hold(), 0.2, "stubborn close") is False
        await asyncio.sleep(0)  # the cancel is delivered on the next turn of the loop
        assert stubborn.cancels == 1
        assert await finish_within(asyncio.sleep(0), SLACK, "quick close") is True
    finally:
        stubborn.released.set()
        await asyncio.sleep(0)
