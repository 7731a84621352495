"""Analytics plugin: records every command use and answers ``/stats``."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.plugins.api import (
    BotLike,
    PluginHelp,
    PublicPage,
    RetentionPolicy,
    Settings,
    TablePlugin,
    hookimpl,
)
from plugins.analytics import maintenance
from plugins.analytics.settings import AnalyticsSettings

if TYPE_CHECKING:
    from disnake.ext import commands

    from plugins.analytics.cog import Analytics


class AnalyticsPlugin(TablePlugin):
    """Owns ``command_stats`` and its weekly rollups ``command_stats_weekly``."""

    models_module = "plugins.analytics.models"
    guild_tables = (
        "plugins.analytics.models.CommandStat",
        "plugins.analytics.models.CommandStatWeekly",
    )
    user_columns = {"plugins.analytics.models.CommandStat": "user_id"}

    def __init__(self) -> None:
        self._cogs: weakref.WeakSet[Analytics] = weakref.WeakSet()

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.analytics]``: flush interval and batch size."""
        return AnalyticsSettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.analytics.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.analytics.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(
        self, bot: BotLike, settings: BaseModel | None
    ) -> list[commands.Cog]:
        """The recording listeners and ``/stats``."""
        from plugins.analytics.cog import Analytics

        config = settings if isinstance(settings, AnalyticsSettings) else AnalyticsSettings()
        cog = Analytics(bot, config)  # type: ignore[arg-type]
        self._cogs.add(cog)
        return [cog]

    @hookimpl
    def guildhall_buffer_sizes(self, bot: BotLike) -> dict[str, int]:
        """Buffered command uses of ``bot`` (for the metrics)."""
        size = sum(len(cog.recorder) for cog in list(self._cogs) if cog.bot is bot)
        return {"analytics.command_stats": size}

    @hookimpl
    def guildhall_forget_buffered(self, bot: BotLike, user_id: int) -> int:
        """Drop ``user_id``'s unwritten command uses in ``bot`` (a data deletion request)."""
        return sum(cog.recorder.forget(user_id) for cog in list(self._cogs) if cog.bot is bot)

    @hookimpl
    async def guildhall_flush(self) -> None:
        """Write buffered command uses of every bot in this process."""
        for cog in list(self._cogs):
            await cog.flush()

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Weekly rollup of command stats, then deletion of raw rows past retention."""
        return maintenance.retention_policies(settings)

    @hookimpl
    def guildhall_web_public_pages(self) -> list[PublicPage]:
        """The public statistics page on the dashboard (``/g/<guild_id>/stats``)."""
        from plugins.analytics.web import public_pages

        return public_pages()


plugin = AnalyticsPlugin()
