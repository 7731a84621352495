"""Cogs every guildhall bot loads, whatever plugins are enabled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from disnake.ext import commands

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot


def core_cogs(bot: GuildhallBot) -> list[commands.Cog]:
    """The core cogs for ``bot`` (``/ping``, ``/prefix``, ``/privacy``, ``/help``; ``!help``
    only with the message content intent)."""
    from core.bot.cogs.help import Help, PrefixHelp
    from core.bot.cogs.meta import Meta
    from core.bot.cogs.plugin_switches import PluginSwitches
    from core.bot.cogs.privacy import Privacy

    cogs: list[commands.Cog] = [Meta(bot), PluginSwitches(bot), Privacy(bot), Help(bot)]
    if bot.settings.discord.message_content_intent:
        cogs.append(PrefixHelp(bot))
    return cogs
