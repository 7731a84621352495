"""Scheduler lag and the newest maintenance/backup runs, read from a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.db.models import MaintenanceRun
from core.metrics.cluster_state import ClusterState, newest_runs, scheduler_lag
from core.plugins.contracts import TimerSource
from core.runtime.assembly import Runtime
from plugins.reminders.models import Reminder


async def never(row: Reminder) -> bool:
    return True


SOURCE = TimerSource(
    name="reminders.lag_probe", model=Reminder, due_column="remind_at",
    pending_filter={"completed": False}, handler=never, done_update={"completed": True},
)


def reminder(due: datetime, **extra: object) -> Reminder:
    return Reminder(user_id=1, channel_id=2, message="m", remind_at=due, **extra)


async def test_lag_counts_the_oldest_due_unfinished_row(guildhall_db: Runtime) -> None:
    now = datetime.now(UTC)
    assert await scheduler_lag([SOURCE], now) == {"reminders.lag_probe": 0.0}
    await Reminder.bulk_create([
        reminder(now + timedelta(minutes=5)),  # not due yet
        reminder(now - timedelta(days=3), completed=True),  # done
        reminder(now - timedelta(days=2), failed_at=now),  # failed for good: not waiting
        # retried: waits for its backoff, counts from next_attempt_at
        reminder(now - timedelta(days=1), next_attempt_at=now + timedelta(minutes=1)),
    ])
    assert await scheduler_lag([SOURCE], now) == {"reminders.lag_probe": 0.0}

    await Reminder.bulk_create([
        reminder(now - timedelta(seconds=120)),
        reminder(now - timedelta(days=1), next_attempt_at=now - timedelta(seconds=30)),
    ])
    lag = (await scheduler_lag([SOURCE], now))["reminders.lag_probe"]
    assert 119.0 <= lag <= 121.0


async def test_newest_run_per_job_and_refresh_interval(guildhall_db: Runtime) -> None:
    now = datetime.now(UTC)
    await MaintenanceRun.create(job="a", ok=True, started_at=now - timedelta(days=1),
                                finished_at=now - timedelta(days=1) + timedelta(seconds=3))
    await MaintenanceRun.create(job="a", ok=False, started_at=now, rows=7)
    runs = await newest_runs(["a", "never-ran"])
    assert list(runs) == ["a"]
    assert (runs["a"].ok, runs["a"].rows, runs["a"].seconds) == (False, 7, None)

    state = ClusterState(lambda: [SOURCE], lambda: ["a"], refresh_seconds=3600)
    first = await state.refresh()
    assert first.jobs["a"].ok is False and first.backup_at is None
    await MaintenanceRun.create(job="backup", ok=True, started_at=now)
    assert (await state.refresh()).backup_at is None  # still fresh: not re-read
    assert (await state.refresh(force=True)).backup_at == now
