"""Reminders plugin: /remind, /reminders list|cancel, /timezone, delivery by the leader."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from disnake.ext import commands
from pydantic import BaseModel

from core.plugins.api import (
    BotLike,
    PluginHelp,
    RetentionKind,
    RetentionPolicy,
    Schedule,
    Settings,
    TablePlugin,
    TimerSource,
    hookimpl,
)
from plugins.reminders.models import Reminder
from plugins.reminders.settings import RemindersSettings


class RemindersPlugin(TablePlugin):
    """Owns ``reminders`` and ``user_timezones``.

    Guild purge deletes the reminders set in that guild (rows with ``guild_id``; rows from
    before that column, which carry no guild, are left to be delivered by DM).
    """

    models_module = "plugins.reminders.models"
    guild_tables = ("plugins.reminders.models.Reminder",)
    user_columns = {
        "plugins.reminders.models.Reminder": "user_id",
        "plugins.reminders.models.UserTimezone": "user_id",
    }

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.reminders]``: ``max_active_per_user`` and the repeat/lateness bounds."""
        return RemindersSettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.reminders.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.reminders.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(self, bot: BotLike, settings: Any) -> list[commands.Cog]:
        """The /remind, /reminders and /timezone commands."""
        from plugins.reminders.cog import Reminders

        return [Reminders(bot, settings or RemindersSettings())]  # type: ignore[arg-type]

    @hookimpl
    def guildhall_timer_sources(self, bot: BotLike | None) -> list[TimerSource]:
        """Due reminders, delivered through ``bot``'s REST client (none without a bot)."""
        if bot is None:
            return []
        from plugins.reminders.timers import ReminderDelivery

        manager = getattr(bot, "plugins", None)
        configured = manager.plugin_settings.get("reminders") if manager else None
        if not isinstance(configured, RemindersSettings):
            configured = RemindersSettings()
        return [ReminderDelivery(bot, configured).source()]

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
