"""``BotLike``: the part of the running bot a plugin may use.

Plugins receive the bot in ``guildhall_cogs``, ``guildhall_timer_sources`` and the buffer
hooks. They type it as :class:`BotLike` (from ``core.plugins.api``) rather than as the
concrete ``GuildhallBot``, so they depend on this description only: guildhall's
configuration and caches, the cross-process bus, and the disnake calls plugins make
(REST through ``http``, channels, DMs, the command tables, shards, custom events).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import disnake
    from disnake.ext import commands
    from disnake.http import HTTPClient

    from core.coordination.bus import Bus
    from core.plugins.manager import PluginManager
    from core.runtime.config import Settings
    from core.services.guild_config import GuildConfigService


@runtime_checkable
class BotLike(Protocol):
    """What plugins use of the bot: guildhall's state plus a few disnake calls."""

    settings: Settings
    """The whole validated configuration (``settings.plugins.section("<name>")`` is yours)."""
    plugins: PluginManager
    """The loaded plugins and their hooks."""
    guild_configs: GuildConfigService
    """Per-guild core settings (prefix, log channel, mute role): ``get``, ``peek``, ``update``."""
    bus: Bus | None
    """The cross-process bus (``subscribe``/``unsubscribe``); ``None`` before start-up."""
    gateway_events: Counter[str]
    """Gateway events received, by type."""
    http: HTTPClient
    """disnake's REST client: works for any guild, on any shard."""

    @property
    def user(self) -> disnake.ClientUser:
        """The bot's own account (set once logged in, before any hook runs)."""

    @property
    def guilds(self) -> Sequence[disnake.Guild]:
        """The guilds in this process's cache."""

    @property
    def shards(self) -> Mapping[int, Any]:
        """This process's shards by id."""

    @property
    def all_commands(self) -> Mapping[str, commands.Command[Any, Any, Any]]:
        """Prefix commands by name and alias."""

    @property
    def slash_commands(self) -> set[commands.InvokableSlashCommand]:
        """The registered slash commands."""

    def is_closed(self) -> bool:
        """True once the bot is shutting down: background loops stop."""

    def get_guild(self, guild_id: int, /) -> disnake.Guild | None:
        """A cached guild, or ``None``."""

    def get_partial_messageable(
        self, id: int, /, *, type: Any = None
    ) -> disnake.PartialMessageable:
        """A channel to send to by id, without fetching it."""

    async def create_dm(self, user: disnake.abc.Snowflake, /) -> disnake.DMChannel:
        """The DM channel with ``user``."""

    async def is_owner(self, user: disnake.User | disnake.Member, /) -> bool:
        """True for the bot's owner(s)."""

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Fire a custom event (``on_<event_name>`` listeners)."""
