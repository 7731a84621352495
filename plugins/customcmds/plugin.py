"""Custom commands plugin: ``/customcmd`` and staff-defined text commands."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.plugins.api import BotLike, PluginHelp, Settings, TablePlugin, WebPage, hookimpl
from plugins.customcmds.settings import CustomCommandsSettings

if TYPE_CHECKING:
    from disnake.ext import commands

    from plugins.customcmds.cog import CustomCommands


class CustomCommandsPlugin(TablePlugin):
    """Owns ``custom_commands``."""

    models_module = "plugins.customcmds.models"
    guild_tables = ("plugins.customcmds.models.CustomCommand",)
    # a command belongs to the guild: its creator's deletion request anonymises creator_id
    actor_columns = {"plugins.customcmds.models.CustomCommand": "creator_id"}

    def __init__(self) -> None:
        self._cogs: weakref.WeakSet[CustomCommands] = weakref.WeakSet()

    @hookimpl
    def guildhall_intents(self) -> list[str]:
        """Custom commands are read from guild messages."""
        return ["guild_messages", "message_content"]

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.customcmds]``: limits, manager role name, flush interval."""
        return CustomCommandsSettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.customcmds.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.customcmds.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(
        self, bot: BotLike, settings: BaseModel | None
    ) -> list[commands.Cog]:
        """The ``/customcmd`` commands and the message listener running them."""
        from plugins.customcmds.cog import CustomCommands

        config = settings if isinstance(settings, CustomCommandsSettings) else (
            CustomCommandsSettings()
        )
        cog = CustomCommands(bot, config)  # type: ignore[arg-type]
        self._cogs.add(cog)
        return [cog]

    @hookimpl
    def guildhall_buffer_sizes(self, bot: BotLike) -> dict[str, int]:
        """Buffered use counts of ``bot`` (for the metrics)."""
        return {"customcmds.uses": sum(len(cog.uses) for cog in list(self._cogs) if cog.bot is bot)}

    @hookimpl
    async def guildhall_flush(self) -> None:
        """Write buffered use counts of every bot in this process."""
        for cog in list(self._cogs):
            await cog.flush()

    @hookimpl
    def guildhall_web_pages(self, settings: Settings) -> list[WebPage]:
        """The "Custom commands" page of the dashboard."""
        from plugins.customcmds.web import pages

        return pages(settings)


plugin = CustomCommandsPlugin()
