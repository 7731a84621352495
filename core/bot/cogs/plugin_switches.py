"""``/plugins list|enable|disable``: switch a plugin on or off in this server.

Changing a switch needs Manage Server and goes through
:func:`core.services.plugin_switches.set_enabled` (the dashboard calls the same function):
one validation, one audit row, and every worker's cache is invalidated through the bus.
The switch itself is enforced by :mod:`core.plugins.gate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core.bot.cogs.meta import GUILD_ONLY, require_manage_guild
from core.bot.texts import TEXTS
from core.i18n.texts import Speaker
from core.services import plugin_switches

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

MAX_CHOICES = 25  # Discord's limit for autocomplete suggestions


def listing(states: dict[str, bool], t: Speaker) -> str:
    """The ``/plugins list`` answer for ``{plugin: enabled}``."""
    if not states:
        return t("plugins.none_installed")
    lines = [f"- **{name}**: {t('plugins.on') if on else t('plugins.off')}"
             for name, on in states.items()]
    return t("plugins.title") + "\n" + "\n".join(lines)


class PluginSwitches(commands.Cog):
    """Per-guild plugin switches as slash commands."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot

    @property
    def known(self) -> list[str]:
        """The plugins this deployment runs (the ones a guild may switch)."""
        return list(self.bot.plugins.enabled)

    async def switch(
        self, inter: ApplicationCommandInteraction, plugin: str, enabled: bool
    ) -> None:
        """Check permission and name, change the switch, answer."""
        assert inter.guild is not None
        require_manage_guild(inter.author)
        name = plugin.strip().lower()
        try:
            changed = await plugin_switches.set_enabled(
                inter.guild.id, name, enabled, actor_id=inter.author.id, source="slash",
                known=self.known,
            )
        except ValueError as exc:
            raise commands.BadArgument(disnake.utils.escape_markdown(str(exc))) from exc
        t = TEXTS.to(inter)
        key = ("plugins.now_" if changed else "plugins.already_") + (
            "enabled" if enabled else "disabled")
        await inter.response.send_message(t(key, name=name))

    async def suggest(
        self, inter: ApplicationCommandInteraction, typed: str, enabled: bool
    ) -> list[str]:
        """Plugin names starting with ``typed`` whose switch is ``enabled`` (to flip)."""
        if inter.guild is None:
            return []
        typed = typed.strip().lower()
        found = []
        for name in self.known:
            if name.startswith(typed):
                if await plugin_switches.is_enabled(inter.guild.id, name) == enabled:
                    found.append(name)
        return found[:MAX_CHOICES]

    @commands.slash_command(name="plugins", description="Plugins of this server",
                            contexts=GUILD_ONLY)
    async def plugins_slash(self, inter: ApplicationCommandInteraction) -> None:
        """Parent of the plugin switch subcommands."""

    @plugins_slash.sub_command(name="list", description="Which plugins are on in this server")
    async def list_(self, inter: ApplicationCommandInteraction) -> None:
        """Show every plugin and whether it is on here."""
        assert inter.guild is not None
        states = await plugin_switches.states(inter.guild.id, self.known)
        await inter.response.send_message(listing(states, TEXTS.to(inter)))

    @plugins_slash.sub_command(name="enable", description="Turn a plugin on (Manage Server)")
    async def enable(
        self,
        inter: ApplicationCommandInteraction,
        plugin: str = commands.Param(description="The plugin to turn on"),
    ) -> None:
        """Turn a plugin on in this server."""
        await self.switch(inter, plugin, True)

    @plugins_slash.sub_command(name="disable", description="Turn a plugin off (Manage Server)")
    async def disable(
        self,
        inter: ApplicationCommandInteraction,
        plugin: str = commands.Param(description="The plugin to turn off"),
    ) -> None:
        """Turn a plugin off in this server."""
        await self.switch(inter, plugin, False)

    @enable.autocomplete("plugin")
    async def enable_choices(
        self, inter: ApplicationCommandInteraction, typed: str
    ) -> list[str]:
        """Suggest the plugins that are off here."""
        return await self.suggest(inter, typed, False)

    @disable.autocomplete("plugin")
    async def disable_choices(
        self, inter: ApplicationCommandInteraction, typed: str
    ) -> list[str]:
        """Suggest the plugins that are on here."""
        return await self.suggest(inter, typed, True)
