"""Reminder retention on both engines: completed rows go 30 days after their time."""

from __future__ import annotations

from plugins.reminders.models import Reminder
from tests.core.maintenance.maintenance_support import DAY, SUNDAY, around, engine_for


async def test_completed_reminders_are_deleted_exactly_past_retention(guildhall_db) -> None:
    moments = around(SUNDAY - 30 * DAY)
    for moment in moments:
        await Reminder.create(user_id=1, channel_id=2, message="done", remind_at=moment,
                              completed=True)
        await Reminder.create(user_id=1, channel_id=2, message="pending", remind_at=moment)
    [report] = await engine_for(guildhall_db).run_jobs(["reminders.completed.delete"],
                                                       now=SUNDAY)
    assert report.rows == 1
    assert await Reminder.filter(completed=False).count() == 3  # pending rows stay
    kept = await Reminder.filter(completed=True).values_list("remind_at", flat=True)
    assert sorted(kept) == moments[1:]
