"""Economy plugin: the bank service, its commands, retention and integrity hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from disnake.ext import commands
from pydantic import BaseModel

from core.plugins.api import (
    BotLike,
    IntegrityCheck,
    PluginHelp,
    RetentionPolicy,
    Settings,
    TablePlugin,
    WebPanel,
    hookimpl,
)
from plugins.economy import maintenance, privacy
from plugins.economy.settings import EconomySettings

_M = "plugins.economy.models"


class EconomyPlugin(TablePlugin):
    """Owns ``transactions``; balances live in core's ``guild_members.coins``."""

    models_module = _M
    # the archive goes with the hot rows: a ledger without its member breaks the balances
    # invariant (and a removed guild's or deleted user's data must not linger)
    guild_tables = (f"{_M}.Transaction", f"{_M}.TransactionArchive", f"{_M}.ShopItem",
                    f"{_M}.EconomyGuildSettings")
    user_columns = {f"{_M}.Transaction": "user_id", f"{_M}.TransactionArchive": "user_id"}
    actor_columns = {f"{_M}.ShopItem": "created_by"}  # the guild keeps its shop

    @hookimpl
    async def guildhall_user_delete(self, user_id: int) -> int:
        """Delete the user's ledger rows, then strip their id and notes from the other
        members' rows (transfers, grants), which stay for those members' balances."""
        deleted = await super().guildhall_user_delete(user_id)
        return deleted + await privacy.forget_counterparty(user_id)

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.economy]``."""
        return EconomySettings

    @hookimpl
    def guildhall_help(self) -> PluginHelp:
        """This plugin's section of ``/help`` (and its prefix twins)."""
        from plugins.economy.help import HELP

        return HELP

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.economy.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(self, bot: BotLike, settings: Any) -> list[commands.Cog]:
        """The bank, games and shop commands."""
        from plugins.economy.cog import economy_cogs

        return economy_cogs(bot, settings or EconomySettings())

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Archive old transactions to ``transactions_archive``."""
        return maintenance.retention_policies(settings)

    @hookimpl
    def guildhall_integrity_checks(self) -> list[IntegrityCheck]:
        """Balances equal the sum of hot + archived transactions."""
        return maintenance.integrity_checks()

    @hookimpl
    def guildhall_web_panels(self, settings: Settings) -> list[WebPanel]:
        """The guild's daily, work and gamble amounts, as a dashboard panel."""
        from plugins.economy.web import panels

        return panels(settings)


plugin = EconomyPlugin()
