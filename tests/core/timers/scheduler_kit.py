"""Helpers shared by the scheduler tests: a leader term, a recording handler, sources."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.coordination.wakeups import LocalWakeups, Wakeups
from core.plugins.contracts import TimerSource
from core.runtime.config import SchedulerSettings
from core.timers.scheduler import Scheduler
from plugins.reminders.models import Reminder


@dataclass
class Term:
    """A leader term as core.leader.election hands it to the scheduler."""

    epoch: int
    identity: str = "test-leader"
    lost: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Recorder:
    """A handler that records when each row was handled and answers from ``outcomes``."""

    outcomes: Callable[[Any, int], Awaitable[bool]] | None = None
    calls: list[tuple[Any, float]] = field(default_factory=list)
    delay: float = 0.0

    async def __call__(self, row: Any) -> bool:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.calls.append((row.pk, time.time()))
        if self.outcomes is None:
            return True
        return await self.outcomes(row, len([c for c in self.calls if c[0] == row.pk]))

    def pks(self) -> list[Any]:
        """Primary keys in handling order (with repeats)."""
        return [pk for pk, _ in self.calls]

    async def wait_for(self, count: int, within: float = 60.0) -> None:
        """Wait until ``count`` rows were handled (fails the test after ``within`` seconds)."""
        deadline = time.monotonic() + within
        while len(self.calls) < count:
            assert time.monotonic() < deadline, f"only {len(self.calls)}/{count} handled"
            await asyncio.sleep(0.01)


def reminder_source(handler: Callable[[Any], Awaitable[bool]], **extra: Any) -> TimerSource:
    """The ``reminders`` table as a timer source finished with ``completed=True``."""
    options: dict[str, Any] = {
        "name": "test.reminders",
        "model": Reminder,
        "due_column": "remind_at",
        "pending_filter": {"completed": False},
        "done_update": {"completed": True},
    }
    options.update(extra)
    return TimerSource(handler=handler, **options)


def settings(**values: Any) -> SchedulerSettings:
    """Scheduler settings for tests (tiny retries unless given)."""
    data: dict[str, Any] = {"retry_base_seconds": 0.1, "retry_max_seconds": 1.0}
    data.update(values)
    return SchedulerSettings(**data)


async def add_reminders(due: list[datetime]) -> list[int]:
    """Insert one reminder per due time; return their ids."""
    rows = [Reminder(user_id=1, channel_id=2, message=f"r{i}", remind_at=at) for i, at in
            enumerate(due)]
    await Reminder.bulk_create(rows)
    return list(await Reminder.all().order_by("id").values_list("id", flat=True))


def in_seconds(seconds: float) -> datetime:
    """Now plus ``seconds`` (negative: in the past), UTC."""
    return datetime.now(UTC) + timedelta(seconds=seconds)


class Running:
    """A scheduler running in a task for the duration of an ``async with``."""

    def __init__(self, scheduler: Scheduler, term: Term) -> None:
        self.scheduler = scheduler
        self.term = term
        self.task: asyncio.Task[None] | None = None
        self.error: BaseException | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.scheduler.run(self.term))
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.term.lost.set()
        assert self.task is not None
        done, _ = await asyncio.wait([self.task], timeout=60)  # liveness: generous
        assert done, "the scheduler did not stop within 60 s of term.lost"
        self.error = self.task.exception()


def running(
    source: TimerSource,
    epoch: int = 1,
    wakeups: Wakeups | None = None,
    **values: Any,
) -> Running:
    """``async with running(source) as run:`` starts a scheduler and stops it after."""
    scheduler = Scheduler([source], settings(**values), wakeups or LocalWakeups())
    return Running(scheduler, Term(epoch))
