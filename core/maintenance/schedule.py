"""When maintenance jobs are due: schedule windows computed from ``[maintenance]``.

A *window* is the period between two scheduled instants: hourly windows start every full
hour; daily windows start every day at ``daily_hour_utc``; weekly windows start on
``weekly_day`` at the same hour. A job is due
when no successful run of it started inside the current window, so a restart or a
failover neither reruns a job that already ran in the window nor skips one whose instant
passed while no leader was running (it runs as soon as a leader is back).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.plugins.contracts import Schedule
from core.runtime.config import MaintenanceSettings

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RETRY_AFTER = timedelta(minutes=15)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("maintenance times must be timezone-aware (UTC)")
    return moment.astimezone(UTC)


def window_start(now: datetime, schedule: Schedule, settings: MaintenanceSettings) -> datetime:
    """The start of the ``schedule`` window containing ``now`` (the latest instant <= now)."""
    now = _utc(now)
    if schedule == Schedule.HOURLY:
        return now.replace(minute=0, second=0, microsecond=0)
    start = now.replace(hour=settings.daily_hour_utc, minute=0, second=0, microsecond=0)
    if start > now:
        start -= timedelta(days=1)
    if schedule == Schedule.WEEKLY:
        back = (start.weekday() - WEEKDAYS.index(settings.weekly_day)) % 7
        start -= timedelta(days=back)
    return start


def next_window_start(
    now: datetime, schedule: Schedule, settings: MaintenanceSettings
) -> datetime:
    """The first window start strictly after ``now``."""
    steps = {Schedule.HOURLY: timedelta(hours=1), Schedule.WEEKLY: timedelta(days=7)}
    step = steps.get(schedule, timedelta(days=1))
    return window_start(now, schedule, settings) + step


def is_due(
    now: datetime,
    schedule: Schedule,
    settings: MaintenanceSettings,
    last_success: datetime | None,
    last_attempt: datetime | None,
) -> bool:
    """Whether a job should run at ``now``.

    ``last_success`` is the start of its newest successful run, ``last_attempt`` the
    start of its newest run of any outcome. A failed (or crashed) run is retried
    :data:`RETRY_AFTER` after its start, not in a tight loop.
    """
    start = window_start(now, schedule, settings)
    if last_success is not None and _utc(last_success) >= start:
        return False
    if last_attempt is None:
        return True
    attempt = _utc(last_attempt)
    return not (attempt >= start and attempt > _utc(now) - RETRY_AFTER)


def start_of_week(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week containing ``moment``."""
    moment = _utc(moment)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())
