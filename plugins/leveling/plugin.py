"""Leveling plugin: XP from messages, levels, role rewards, /rank, /leaderboard, /levels, /xp.

XP and levels live in core's ``guild_members`` and ``users`` (written through
``core.services.xp``); the plugin's own tables hold settings, rewards, exclusions and the
audit trail of admin XP changes.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from core.plugins.api import (
    BotLike,
    PluginHelp,
    PublicPage,
    Settings,
    TablePlugin,
    WebPanel,
    hookimpl,
)
from plugins.leveling.settings import LevelingSettings

if TYPE_CHECKING:
    from disnake.ext import commands

    from plugins.leveling.cog import Leveling

_M = "plugins.leveling.models"


class LevelingPlugin(TablePlugin):
    """Owns ``level_settings``, ``level_rewards``, ``level_exclusions``, ``xp_adjustments``
    and ``global_board_optouts``."""

    models_module = _M
    guild_tables = (
        f"{_M}.LevelSettings",
        f"{_M}.LevelReward",
        f"{_M}.LevelExclusion",
        f"{_M}.XpAdjustment",
    )
    user_columns = {f"{_M}.XpAdjustment": "member_id", f"{_M}.GlobalBoardOptOut": "user_id"}
    actor_columns = {f"{_M}.XpAdjustment": "admin_id"}

    def __init__(self) -> None:
        self._cogs: weakref.WeakSet[Leveling] = weakref.WeakSet()

    @hookimpl
    def guildhall_intents(self) -> list[str]:
        """XP is earned from guild messages."""
        return ["guild_messages"]

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.leveling]``: flush interval and default XP range and cooldown."""
        return LevelingSettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.leveling.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.leveling.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(
        self, bot: BotLike, settings: BaseModel | None
    ) -> list[commands.Cog]:
        """The earning listener, rank/leaderboard, the admin commands and the global board."""
        from plugins.leveling.cog import Leveling
        from plugins.leveling.cog_admin import LevelsAdmin
        from plugins.leveling.cog_board import Board
        from plugins.leveling.cog_global import GlobalBoard

        config = settings if isinstance(settings, LevelingSettings) else LevelingSettings()
        leveling = Leveling(bot, config)  # type: ignore[arg-type]
        self._cogs.add(leveling)
        return [leveling, Board(leveling), LevelsAdmin(leveling), GlobalBoard()]

    @hookimpl
    def guildhall_buffer_sizes(self, bot: BotLike) -> dict[str, int]:
        """Buffered XP awards of ``bot`` (for the metrics)."""
        return {"leveling.xp": sum(len(cog.buffer) for cog in list(self._cogs) if cog.bot is bot)}

    @hookimpl
    def guildhall_forget_buffered(self, bot: BotLike, user_id: int) -> int:
        """Drop ``user_id``'s unwritten XP awards in ``bot`` (a data deletion request)."""
        return sum(cog.buffer.forget(user_id) for cog in list(self._cogs) if cog.bot is bot)

    @hookimpl
    async def guildhall_flush(self) -> None:
        """Write buffered XP of every live bot in this process (and handle its level-ups)."""
        for cog in list(self._cogs):
            if not cog.bot.is_closed():
                await cog.flush()

    @hookimpl
    def guildhall_web_public_pages(self, settings: Settings) -> list[PublicPage]:
        """The public leaderboard (``/g/<guild_id>/leaderboard``) and the global one
        (``/global/leaderboard``)."""
        from plugins.leveling.web import public_pages

        return public_pages(settings)

    @hookimpl
    def guildhall_web_panels(self, settings: Settings) -> list[WebPanel]:
        """The "Leveling" panel of the settings page: channels without XP, role rewards."""
        from plugins.leveling.web_panel import panels

        return panels(settings)


plugin = LevelingPlugin()
