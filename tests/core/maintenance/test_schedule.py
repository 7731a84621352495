"""Schedule windows with injected times: due at the hour, once per window, weekly day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.maintenance.schedule import (
    RETRY_AFTER,
    is_due,
    next_window_start,
    start_of_week,
    window_start,
)
from core.plugins.contracts import Schedule
from core.runtime.config import MaintenanceSettings

SETTINGS = MaintenanceSettings(daily_hour_utc=4, weekly_day="sunday")
SUNDAY_4 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)  # a Sunday


def test_daily_window_starts_at_the_configured_hour() -> None:
    assert window_start(SUNDAY_4, Schedule.DAILY, SETTINGS) == SUNDAY_4
    assert window_start(SUNDAY_4 + timedelta(hours=23), Schedule.DAILY, SETTINGS) == SUNDAY_4
    before = SUNDAY_4 - timedelta(seconds=1)
    assert window_start(before, Schedule.DAILY, SETTINGS) == SUNDAY_4 - timedelta(days=1)
    assert next_window_start(before, Schedule.DAILY, SETTINGS) == SUNDAY_4


def test_weekly_window_starts_only_on_the_configured_day() -> None:
    for hours in (0, 1, 24, 24 * 6 + 23):
        moment = SUNDAY_4 + timedelta(hours=hours)
        assert window_start(moment, Schedule.WEEKLY, SETTINGS) == SUNDAY_4
    next_sunday = SUNDAY_4 + timedelta(days=7)
    assert window_start(next_sunday, Schedule.WEEKLY, SETTINGS) == next_sunday
    assert next_window_start(SUNDAY_4, Schedule.WEEKLY, SETTINGS) == next_sunday
    wednesday = MaintenanceSettings(daily_hour_utc=22, weekly_day="wednesday")
    start = window_start(SUNDAY_4, Schedule.WEEKLY, wednesday)
    assert start == datetime(2026, 2, 25, 22, tzinfo=UTC) and start.weekday() == 2


def test_due_once_per_window_even_after_a_restart() -> None:
    assert is_due(SUNDAY_4, Schedule.DAILY, SETTINGS, None, None)
    ran = SUNDAY_4 + timedelta(seconds=5)
    later = SUNDAY_4 + timedelta(hours=20)  # a "restarted" process asks again
    assert not is_due(later, Schedule.DAILY, SETTINGS, ran, ran)
    assert is_due(SUNDAY_4 + timedelta(days=1), Schedule.DAILY, SETTINGS, ran, ran)
    # a weekly job that ran on Sunday is not due on Monday at the hour
    monday = SUNDAY_4 + timedelta(days=1)
    assert not is_due(monday, Schedule.WEEKLY, SETTINGS, ran, ran)


def test_a_missed_window_is_not_skipped() -> None:
    last = SUNDAY_4 - timedelta(days=3)  # the leader was down at Sunday 04:00
    assert is_due(SUNDAY_4 + timedelta(hours=9), Schedule.DAILY, SETTINGS, last, last)
    # before today's hour, yesterday's window is still open and was missed too
    assert is_due(SUNDAY_4 - timedelta(hours=1), Schedule.DAILY, SETTINGS, last, last)


def test_failed_run_is_retried_after_a_pause() -> None:
    failed = SUNDAY_4 + timedelta(minutes=1)
    soon = failed + RETRY_AFTER - timedelta(seconds=1)
    assert not is_due(soon, Schedule.DAILY, SETTINGS, None, failed)
    assert is_due(failed + RETRY_AFTER + timedelta(seconds=1), Schedule.DAILY, SETTINGS,
                  None, failed)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window_start(datetime(2026, 3, 1, 4), Schedule.DAILY, SETTINGS)


def test_start_of_week_is_monday_midnight_utc() -> None:
    assert start_of_week(SUNDAY_4) == datetime(2026, 2, 23, tzinfo=UTC)
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    assert start_of_week(monday) == monday
