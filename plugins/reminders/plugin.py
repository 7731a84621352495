"""Reminders plugin (commands and delivery arrive with the reminders issue)."""

from __future__ import annotations

from core.plugin_base import TablePlugin


class RemindersPlugin(TablePlugin):
    """Owns ``reminders`` (the seed's rows carry no guild, so guild purge leaves them)."""

    models_module = "plugins.reminders.models"
    user_columns = {"plugins.reminders.models.Reminder": "user_id"}


plugin = RemindersPlugin()
