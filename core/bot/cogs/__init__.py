"""Cogs every guildhall bot loads, whatever plugins are enabled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from disnake.ext import commands

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot


def core_cogs(bot: GuildhallBot) -> list[commands.Cog]:
    """The core cogs for ``bot`` (``/ping``, ``/prefix``, ``/privacy``)."""
    from core.bot.cogs.meta import Meta
    from core.bot.cogs.plugin_switches import PluginSwitches
    from core.bot.cogs.privacy import Privacy

    return [Meta(bot), PluginSwitches(bot), Privacy(bot)]
