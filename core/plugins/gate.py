"""Enforcing per-guild plugin switches, once, for every plugin's cogs.

:func:`guard_cog` runs on each plugin cog before the bot adds it (the bot knows which
plugin owns which cog) and replaces, on that cog instance, every event listener and every
message hook (:func:`core.bot.dispatch.message_hook`) by a guarded version that does nothing
when the event's guild has the plugin switched off. The guild comes from the event's
first argument (a message, member, interaction, guild, channel, reaction, raw payload
...); events without a guild (DMs, user updates) always run.

:func:`install_checks` adds one global check for prefix and application commands: a
command of a switched-off plugin fails with :class:`PluginDisabled`, which the error
handler answers (ephemerally for slash commands) with "The X plugin is disabled in this
server." The check is an in-memory lookup (:func:`plugin_switches.cached_enabled`);
only the first event of a guild since its cache entry was dropped reads the database.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core.bot.dispatch import HOOK_MARK, HOOK_PLUGIN
from core.services import plugin_switches

COG_PLUGIN_ATTR = "__guildhall_plugin__"


class PluginDisabled(commands.CheckFailure):
    """The command's plugin is switched off in this guild (its message is the answer)."""

    user_facing = True

    def __init__(self, plugin: str) -> None:
        super().__init__(f"The {plugin} plugin is disabled in this server.")
        self.plugin = plugin


def guild_id_of(event_args: tuple[Any, ...]) -> int | None:
    """The guild an event belongs to, from its first argument (``None``: no guild)."""
    if not event_args:
        return None
    first = event_args[0]
    if isinstance(first, disnake.Guild):
        return first.id
    guild = getattr(first, "guild", None)
    if isinstance(guild, disnake.Guild):
        return guild.id
    guild_id = getattr(first, "guild_id", None)
    if isinstance(guild_id, int):
        return guild_id
    message = getattr(first, "message", None)  # a Reaction
    guild = getattr(message, "guild", None)
    return guild.id if isinstance(guild, disnake.Guild) else None


def plugin_of(cog: commands.Cog | None) -> str | None:
    """The plugin that owns ``cog`` (``None`` for core's cogs and extra ones)."""
    return getattr(cog, COG_PLUGIN_ATTR, None)


def _guard_listener(plugin: str, listener: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @functools.wraps(listener)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        guild_id = guild_id_of(args)
        enabled = plugin_switches.cached_enabled(guild_id, plugin)
        if enabled is None:
            enabled = await plugin_switches.is_enabled(guild_id, plugin)
        if enabled:
            return await listener(*args, **kwargs)
        return None

    return guarded


def _guard_hook(plugin: str, hook: Callable[[Any], Awaitable[Any] | None]) -> Callable[..., Any]:
    async def after_loading(message: Any, guild_id: int) -> None:
        if await plugin_switches.is_enabled(guild_id, plugin):
            more = hook(message)
            if more is not None:
                await more

    @functools.wraps(hook)
    def guarded(message: Any) -> Awaitable[Any] | None:
        guild = message.guild
        if guild is None:
            return hook(message)
        disabled = plugin_switches.disabled_for_message(message, guild.id)
        if disabled is None:
            return after_loading(message, guild.id)
        return None if plugin in disabled else hook(message)

    setattr(guarded, HOOK_PLUGIN, plugin)  # the dispatch checks the switch itself
    return guarded


def guard_cog(cog: commands.Cog, plugin: str) -> commands.Cog:
    """Mark ``cog`` as ``plugin``'s and guard its listeners and message hooks (call before
    ``bot.add_cog``); returns the cog."""
    setattr(cog, COG_PLUGIN_ATTR, plugin)
    for _event, method_name in cog.__cog_listeners__:
        setattr(cog, method_name, _guard_listener(plugin, getattr(cog, method_name)))
    for name, member in inspect.getmembers(type(cog)):
        if getattr(member, HOOK_MARK, False):
            setattr(cog, name, _guard_hook(plugin, getattr(cog, name)))
    return cog


async def _check(guild: disnake.Guild | None, command: Any) -> bool:
    plugin = plugin_of(getattr(command, "cog", None))
    if plugin is None or guild is None:
        return True
    enabled = plugin_switches.cached_enabled(guild.id, plugin)
    if enabled is None:
        enabled = await plugin_switches.is_enabled(guild.id, plugin)
    if not enabled:
        raise PluginDisabled(plugin)
    return True


async def _prefix_check(ctx: commands.Context) -> bool:
    return await _check(ctx.guild, ctx.command)


async def _app_check(inter: ApplicationCommandInteraction) -> bool:
    return await _check(inter.guild, inter.application_command)


def install_checks(bot: commands.Bot | commands.AutoShardedBot) -> None:
    """Refuse every command of a plugin switched off in the command's guild."""
    bot.add_check(_prefix_check)
    bot.add_app_command_check(
        _app_check, slash_commands=True, user_commands=True, message_commands=True
    )
