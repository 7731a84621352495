"""Reminder service: creation checks, next occurrences and the delivered text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.reminders import service
from plugins.reminders.models import Reminder, UserTimezone
from plugins.reminders.service import NewReminder, ReminderError
from plugins.reminders.settings import RemindersSettings

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def request(**changes: object) -> NewReminder:
    values: dict = {"user_id": 7, "channel_id": 8, "guild_id": 9, "when": "1h", "text": "hi"}
    values.update(changes)
    return NewReminder(**values)


async def test_create_stores_a_checked_reminder_in_the_users_zone(guildhall_db) -> None:
    await service.set_timezone(7, "America/New_York")
    row = await service.create(request(when="2026-12-01 09:00", every="every 1d"),
                               RemindersSettings(), now=NOW)
    assert row.remind_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # EST is UTC-5
    assert (row.repeat_seconds, row.guild_id, row.completed) == (86400, 9, False)
    assert (await UserTimezone.get(user_id=7)).timezone == "America/New_York"


@pytest.mark.parametrize(
    ("changes", "error"),
    [({"when": "2026-11-25 13:59"}, "in the past"),
     ({"when": f"{5 * 365 + 1}d"}, "5 years"),
     ({"text": "x" * 1501}, "1,501 characters"),
     ({"every": "59m"}, "at most every 1h"),
     ({"every": "53w"}, "at least once a year")],
)
async def test_create_refuses_bad_requests_and_writes_nothing(
    guildhall_db, changes: dict, error: str
) -> None:
    with pytest.raises(ReminderError, match=error):
        await service.create(request(**changes), RemindersSettings(), now=NOW)
    assert await Reminder.all().count() == 0


async def test_exactly_five_years_and_the_configured_limit(guildhall_db) -> None:
    settings = RemindersSettings(max_active_per_user=2)
    await service.create(request(when=f"{5 * 365}d"), settings, now=NOW)
    await service.create(request(), settings, now=NOW)
    with pytest.raises(ReminderError, match="the limit is 2"):
        await service.create(request(), settings, now=NOW)
    await service.create(request(user_id=8), settings, now=NOW)
    assert await Reminder.all().count() == 3


def test_next_occurrence_skips_missed_ones() -> None:
    due = NOW - 10 * HOUR - timedelta(minutes=1)
    assert service.next_occurrence(NOW, 3600, NOW) == NOW + HOUR
    assert service.next_occurrence(due, 3600, NOW) == due + 11 * HOUR
    assert service.next_occurrence(NOW - HOUR, 3600, NOW) == NOW + HOUR


def test_delivery_text_mentions_links_and_says_how_late() -> None:
    row = Reminder(id=3, user_id=7, channel_id=8, message="tea", remind_at=NOW,
                   jump_url="https://discord.com/channels/1/2/3", repeat_seconds=None)
    assert service.delivery_text(row, NOW + timedelta(seconds=59), 60) == (
        "<@7> reminder: tea\nSet here: https://discord.com/channels/1/2/3"
    )
    late = service.delivery_text(row, NOW + timedelta(hours=2, minutes=3), 60)
    assert "(delivered 2h 3m late: the bot was unavailable)" in late
    row.repeat_seconds = 86400
    assert service.delivery_text(row, NOW, 60).endswith("Repeats every 1d (#3).")


async def test_user_delete_covers_reminders_and_time_zone(guildhall_db) -> None:
    from plugins.reminders.plugin import plugin

    await service.set_timezone(7, "Europe/Paris")
    await service.create(request(text="mine"), RemindersSettings(), now=NOW)
    await service.create(request(user_id=8, text="other"), RemindersSettings(), now=NOW)
    assert await plugin.guildhall_user_delete(user_id=7) == 2
    assert await Reminder.all().values_list("message", flat=True) == ["other"]
    assert await service.timezone_name(7) == "UTC"
