"""Moderation plugin: warnings, the append-only case log, temp punishments, escalation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.plugins.api import (
    BotLike,
    IntegrityCheck,
    PluginHelp,
    RetentionPolicy,
    ServerFields,
    Settings,
    TablePlugin,
    TimerSource,
    WebPage,
    WebPanel,
    hookimpl,
)
from plugins.moderation import maintenance, timers
from plugins.moderation.settings import ModerationSettings

if TYPE_CHECKING:
    from disnake.ext import commands

_M = "plugins.moderation.models"


class ModerationPlugin(TablePlugin):
    """Owns ``warnings``, ``mod_actions`` (append-only, never purged) and ``temp_punishments``."""

    models_module = _M
    guild_tables = (f"{_M}.Warning", f"{_M}.TempPunishment", f"{_M}.ModerationGuildSettings")
    user_columns = {
        f"{_M}.Warning": "user_id",
        f"{_M}.TempPunishment": "user_id",
        f"{_M}.ModAction": "target_id",
    }
    actor_columns = {
        f"{_M}.Warning": "moderator_id",
        f"{_M}.ModAction": "moderator_id",
        f"{_M}.ModActionAmendment": "moderator_id",
    }
    # Moderation records survive a user's deletion request (exported, never changed):
    # mod_actions and amendments are the append-only audit log; warnings drive escalation
    # until retention deletes them (so a request cannot wipe a record of abuse); deleting
    # a running temp punishment would leave the ban or mute in place forever.
    keep_on_user_delete = (
        f"{_M}.ModAction",
        f"{_M}.ModActionAmendment",
        f"{_M}.Warning",
        f"{_M}.TempPunishment",
    )

    @hookimpl
    def guildhall_intents(self) -> list[str]:
        """A member muted by role who rejoins gets it back (``on_member_join``)."""
        return ["members"]

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.moderation]``: limits, warning expiry, DMs, escalation."""
        return ModerationSettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.moderation.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.moderation.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(
        self, bot: BotLike, settings: BaseModel | None
    ) -> list[commands.Cog]:
        """The moderation, log and settings commands."""
        from plugins.moderation.cog import Moderation
        from plugins.moderation.cog_config import ModConfig
        from plugins.moderation.cog_log import ModLog

        config = settings if isinstance(settings, ModerationSettings) else ModerationSettings()
        return [Moderation(bot, config), ModLog(bot), ModConfig(bot, config)]

    @hookimpl
    def guildhall_timer_sources(self, bot: BotLike | None) -> list[TimerSource]:
        """Warnings expire; temp bans and mutes are lifted through REST."""
        return timers.timer_sources(bot)

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Expire and delete warnings (``mod_actions`` is never cleaned)."""
        return maintenance.retention_policies(settings)

    @hookimpl
    def guildhall_integrity_checks(self) -> list[IntegrityCheck]:
        """No temp punishment overdue by more than 5 minutes."""
        return maintenance.integrity_checks()

    @hookimpl
    def guildhall_web_panels(self, settings: Settings) -> list[WebPanel]:
        """The guild's warning expiry and escalation thresholds, as a dashboard panel."""
        from plugins.moderation.web import panels

        return panels(settings)

    @hookimpl
    def guildhall_web_pages(self, settings: Settings) -> list[WebPage]:
        """The "Cases" page: the case log with filters, for the guild's moderators."""
        from plugins.moderation.web_cases import pages

        return pages(settings)

    @hookimpl
    def guildhall_web_server_fields(self) -> list[ServerFields]:
        """The log channel and mute role, in the dashboard's Server form."""
        from plugins.moderation.web_server import server_fields

        return server_fields()


plugin = ModerationPlugin()
