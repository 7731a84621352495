"""The guildhall bot: a disnake ``AutoShardedBot`` wired to core services and plugins."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable
from typing import Any

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core.bot import errors
from core.bot.cogs import core_cogs
from core.bot.dispatch import BatchedDispatch
from core.bot.latency import measure_latency_from_send
from core.bot.mentions import NO_MENTIONS
from core.bot.observed import ObservedBot
from core.bot.prefix_twins import add_prefix_twins
from core.bot.profile import build_intents, client_options
from core.bot.rest_budget import install_rest_budget
from core.bot.texts import TEXTS
from core.coordination import Coordination, bus, coordination_for
from core.i18n.commands import CommandLocalizations, assign_keys
from core.leader.duties import LeaderDuties
from core.metrics import flush_timer
from core.plugins.gate import guard_cog, install_checks
from core.plugins.help_types import PluginHelp
from core.plugins.manager import PluginManager
from core.runtime import log_context
from core.runtime.config import Settings
from core.services import plugin_switches, privacy_bus
from core.services.guild_config import GuildConfigService
from core.services.guild_purge import GuildDepartures, purge_guild
from core.services.users import ActivityBuffer

__all__ = ["GuildhallBot", "build_intents", "point_disnake_at"]

log = logging.getLogger(__name__)


def point_disnake_at(api_base: str) -> None:
    """Send every REST call (and so the gateway lookup) to ``api_base``."""
    disnake.http.Route.BASE = api_base.rstrip("/")


class GuildhallBot(ObservedBot, BatchedDispatch, commands.AutoShardedBot):
    """Slash and prefix commands, per-guild prefix, mention-safe, plugin-driven."""

    def __init__(
        self,
        settings: Settings,
        plugins: PluginManager,
        *,
        coordination: Coordination | None = None,
        **options: Any,
    ) -> None:
        point_disnake_at(settings.discord.api_base)
        measure_latency_from_send()
        self.settings = settings
        self.plugins = plugins
        # the deployment's lease, bus and wake-ups backend (chosen from settings if not given)
        self.coordination = coordination or coordination_for(settings)
        self.gateway_events: Counter[str] = Counter()  # by type, counted by BatchedDispatch
        self.guild_configs = GuildConfigService(
            settings.bot.default_prefix, settings.bot.guild_config_cache_size
        )
        # not ``activity``: that name is disnake's presence property on Client
        self.user_activity = ActivityBuffer()
        self._flush_task: asyncio.Task[None] | None = None
        self.leader: LeaderDuties | None = None
        self.departures = GuildDepartures(settings.privacy.guild_purge_grace_hours)
        self.bus: bus.Bus | None = None
        sync = settings.discord.sync_commands
        for key, value in client_options(settings, plugins).items():  # [bot] profile
            options.setdefault(key, value)
        options.setdefault("allowed_mentions", NO_MENTIONS)
        options.setdefault("owner_ids", set(settings.bot.owner_ids) or None)
        options.setdefault(
            "command_sync_flags",
            commands.CommandSyncFlags.default() if sync else commands.CommandSyncFlags.none(),
        )
        if settings.discord.test_guilds:
            options.setdefault("test_guilds", settings.discord.test_guilds)
        options.setdefault(  # bot.i18n: command names and descriptions per locale
            "localization_provider",
            CommandLocalizations({"core": TEXTS.directory, **plugins.locale_dirs()}),
        )
        super().__init__(command_prefix=self._prefix_for, help_command=None, **options)
        # the bot's global REST bucket and invalid-request breaker, shared by every process
        self.rest_budget = self.coordination.make_rest_budget()
        install_rest_budget(self.http, self.rest_budget)
        self.plugin_help: dict[str, PluginHelp] = {}  # by plugin, for /help and prefix twins
        for cog in core_cogs(self):
            self.add_cog(cog)
        self._load_plugin_cogs()
        self._add_prefix_twins()
        install_checks(self)

    def add_cog(self, cog: commands.Cog, *, override: bool = False) -> None:
        """Add ``cog``, its slash commands given their localization keys (localization.md)."""
        for command in cog.get_slash_commands():
            assign_keys(command.body)
        super().add_cog(cog, override=override)

    async def _prefix_for(self, bot: commands.Bot, message: disnake.Message) -> list[str]:
        guild_id = message.guild.id if message.guild else None
        prefix = await self.guild_configs.prefix(guild_id)
        return commands.when_mentioned_or(prefix)(bot, message)

    def _load_plugin_cogs(self) -> None:
        for name in self.plugins.enabled:
            log_context.register_plugin(name, self.plugins.pm.get_plugin(name))
            cogs = self.plugins.first_result(
                name, "guildhall_cogs", bot=self, settings=self.plugins.plugin_settings[name]
            )
            for cog in cogs or ():
                self.add_cog(guard_cog(cog, name))  # obeys the guild's plugin switch
                log_context.register_cog(cog, name)  # its commands log with the plugin's name
                log.debug("plugin %s added cog %s", name, type(cog).__name__)

    def _add_prefix_twins(self) -> None:
        """Read each plugin's help and add the prefix twins it asks for."""
        wanted: dict[str, list[str]] = {}
        for name in self.plugins.enabled:
            try:
                described = self.plugins.first_result(
                    name, "guildhall_help", settings=self.plugins.plugin_settings[name]
                )
            except Exception:
                log.exception("plugin %s failed in guildhall_help", name)
                continue
            if isinstance(described, PluginHelp):
                self.plugin_help[name] = described
                wanted[name] = [c.name for c in described.commands if c.prefix]
        add_prefix_twins(self, wanted)

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        """Start the message bus, the periodic flush and the leader candidacy, then connect."""
        if self.bus is None:
            self.bus = self.coordination.make_bus()
            self.guild_configs.listen(self.bus)
            privacy_bus.listen(self.bus, self)
            await self.bus.start()
            bus.install(self.bus)
        await self.start_observing()
        interval = self.settings.bot.activity_flush_seconds
        self._flush_task = asyncio.create_task(self._flush_every(interval), name="flush")
        if self.settings.leader.duties and self.leader is None:
            self.leader = LeaderDuties(
                self.settings, self.plugins, bot=self, coordination=self.coordination
            )
            await self.leader.start()
        await super().start(token, reconnect=reconnect)

    async def _flush_every(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.flush()
            try:  # guild settings the hot path read past their TTL, in one query per 500
                await self.guild_configs.refresh_due()
                await plugin_switches.refresh_due()
            except Exception:
                log.exception("refreshing cached guild settings failed; retried next time")

    async def flush(self) -> None:
        """Write buffered core data and ask every plugin to flush its buffers."""
        try:
            with flush_timer("core.user_activity"):
                await self.user_activity.flush()
        except Exception:
            log.exception("writing user activity failed; it is kept for the next flush")
        await self.plugins.acall("guildhall_flush")

    async def close(self) -> None:
        """Stop leading and the flush loop, stop receiving events, write out what is
        buffered, then close REST and the rest."""
        if self.leader is not None:
            await self.leader.stop()
            self.leader = None
        if self._flush_task is not None:
            self._flush_task.cancel()
            self._flush_task = None
        self.departures.stop()
        await self.stop_receiving()
        await self.flush()
        self.stop_observing()
        if self.bus is not None:
            if bus.current() is self.bus:
                bus.install(None)
            await self.bus.stop()
            self.bus = None
        await super().close()
        await self.rest_budget.close()

    async def stop_receiving(self) -> None:
        """Close every shard's gateway socket (REST stays open for the final flush).

        Flushing while events still arrive would lose what they buffer after the flush
        (XP of messages received during shutdown, say).
        """
        for shard in list(self.shards.values()):
            try:
                await shard.disconnect()
            except Exception:
                log.exception("closing shard %s's gateway failed", shard.id)
        await asyncio.sleep(0)  # handlers of events already received run first

    # -- events ---------------------------------------------------------------------------

    def message_seen(self, message: disnake.Message) -> Awaitable[None] | None:
        """Record the author's activity; return the prefix-command run when it may be one.

        Runs inline for every message (``core.bot.dispatch``): no task unless a command may run.
        """
        author = message.author
        if author.bot:
            return None
        self.user_activity.record_author(author)
        content = message.content
        if not content:
            return None
        if content[0] != "<":  # not a mention of the bot: a command only with the prefix
            guild = message.guild
            config = self.guild_configs.peek(guild.id) if guild is not None else None
            if config is not None and not content.startswith(config.prefix):
                return None  # surely not a command (an unknown guild's prefix: maybe)
        return self.process_commands(message)

    async def on_message(self, message: disnake.Message) -> None:
        """The same as :meth:`message_seen` for direct calls (dispatch runs that inline)."""
        more = self.message_seen(message)
        if more is not None:
            await more

    async def on_application_command(
        self, interaction: ApplicationCommandInteraction
    ) -> None:
        """Record the invoker's activity and run the slash command."""
        self.user_activity.record_author(interaction.author)
        await self.process_application_commands(interaction)

    async def on_guild_join(self, guild: disnake.Guild) -> None:
        """Create the guild's ``guild_config`` row; keep its data if it was waiting for a purge."""
        await self.departures.returned_or_retry(guild.id, joined=True)
        await self.guild_configs.get(guild.id)
        log.info("joined guild %s", guild.id)

    async def on_guild_available(self, guild: disnake.Guild) -> None:
        """A guild seen at start-up: re-added while no process of its shard was running."""
        await self.departures.returned_or_retry(guild.id, joined=False)

    async def on_shard_ready(self, shard_id: int) -> None:
        """Load the settings of the shard's guilds in bulk before their messages need them."""
        ids = [g.id for g in self.guilds if g.shard_id == shard_id]
        await self.guild_configs.warm(ids)
        await plugin_switches.warm(ids)

    async def on_guild_remove(self, guild: disnake.Guild) -> None:
        """Purge the guild's data now, or record the departure when a grace period is set."""
        self.guild_configs.invalidate(guild.id)
        if self.settings.privacy.guild_purge_grace_hours > 0:
            await self.departures.left(guild.id)
            return
        await self.purge_guild(guild.id)

    async def purge_guild(self, guild_id: int) -> int:
        """Fan the guild purge out to plugins, then delete core's rows; return rows deleted."""
        return await purge_guild(self.plugins, self.guild_configs, guild_id)

    async def on_command_error(self, context: commands.Context, error: Exception) -> None:
        """Answer prefix-command errors; unknown commands are ignored."""
        if isinstance(error, commands.CommandNotFound):
            return
        await errors.report(context, error, f"{context.prefix}{context.invoked_with}")

    async def on_slash_command_error(
        self, interaction: ApplicationCommandInteraction, error: Exception
    ) -> None:
        """Answer slash-command errors."""
        await errors.report(interaction, error, f"/{interaction.data.name}")

    on_user_command_error = on_slash_command_error
    on_message_command_error = on_slash_command_error
