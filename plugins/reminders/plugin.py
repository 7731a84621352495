"""Reminders plugin (commands and delivery arrive with the reminders issue)."""

from __future__ import annotations

from datetime import timedelta

from core.config import Settings
from core.contracts import RetentionKind, RetentionPolicy, Schedule
from core.hookspecs import hookimpl
from core.plugin_base import TablePlugin
from plugins.reminders.models import Reminder


class RemindersPlugin(TablePlugin):
    """Owns ``reminders`` (the seed's rows carry no guild, so guild purge leaves them)."""

    models_module = "plugins.reminders.models"
    user_columns = {"plugins.reminders.models.Reminder": "user_id"}

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Delete completed reminders ``reminder_retention_days`` after their time.

        Dated by ``remind_at`` (when it was delivered, give or take retries), not
        ``created_at``: a reminder set a year ahead is kept 30 days after delivery.
        """
        return [
            RetentionPolicy(
                name="reminders.completed.delete",
                kind=RetentionKind.DELETE,
                model=Reminder,
                schedule=Schedule.DAILY,
                age_column="remind_at",
                older_than=timedelta(days=settings.maintenance.reminder_retention_days),
                extra_filter={"completed": True},
            )
        ]


plugin = RemindersPlugin()
