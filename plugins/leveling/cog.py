"""Earning XP from messages, the flush loop, level-up announcements and reward roles.

The message hook does no I/O and starts no task when the guild's settings are cached
(see ``core.bot.dispatch.message_hook``): settings come from two in-memory caches
(``bot.guild_configs`` and :class:`GuildLevelConfigs`), the cooldown and the award live
in :class:`XpBuffer`. A background loop flushes the buffer every
``flush_seconds``; ``guildhall_flush`` (shutdown) flushes it too. Level-ups are computed
from the totals the flush stored, then announced and rewarded.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands

from core.plugins.api import (
    LocalizedValue,
    flush_timer,
    message_hook,
    non_urgent,
    only_user,
    role_rule,
)
from plugins.leveling import service
from plugins.leveling.buffer import LevelUp, XpBuffer
from plugins.leveling.guild_settings import GuildLevelConfig, GuildLevelConfigs
from plugins.leveling.settings import LevelingSettings
from plugins.leveling.texts import TEXTS

if TYPE_CHECKING:
    from core.plugins.api import BotLike

log = logging.getLogger(__name__)


class Leveling(commands.Cog):
    """XP earning and level-ups; the other leveling cogs use its buffer and caches."""

    def __init__(self, bot: BotLike, settings: LevelingSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.buffer = XpBuffer()
        self.configs = GuildLevelConfigs(settings)
        self._loop_task: asyncio.Task[None] | None = None
        self._random = random.SystemRandom()
        # the member each award's message carried, until the flush that rewards it (the
        # large profile caches no members: reward roles go through these)
        self._authors: dict[tuple[int, int], disnake.Member] = {}
        self._rewarding: set[asyncio.Task[None]] = set()  # level-ups handed on by write_xp

    # -- shared helpers ------------------------------------------------------------------

    async def enabled(self, guild_id: int) -> bool:
        """Whether the guild has leveling on (``guild_config.xp_enabled``, cached)."""
        return (await self.bot.guild_configs.get(guild_id)).xp_enabled

    def excluded(self, config: GuildLevelConfig, message: disnake.Message) -> bool:
        """Whether the message's channel (or its parent) or an author's role is excluded."""
        channels = config.excluded_channels
        if channels:
            channel = message.channel
            if channel.id in channels or getattr(channel, "parent_id", None) in channels:
                return True
        if not config.excluded_roles:
            return False
        roles = getattr(message.author, "roles", ())
        return any(role.id in config.excluded_roles for role in roles)

    # -- earning -------------------------------------------------------------------------

    @message_hook
    def earn(self, message: disnake.Message) -> Awaitable[None] | None:
        """Award XP for a guild message, at most once per cooldown per member.

        Runs inline for every message (no task, no await) when both settings caches hold
        the guild; otherwise returns the coroutine that loads them first.
        """
        author = message.author
        guild = message.guild
        if author.bot or guild is None or not isinstance(author, disnake.Member):
            return None
        guild_config = self.bot.guild_configs.peek(guild.id)
        config = self.configs.peek(guild.id)
        if guild_config is None or config is None:
            return self._earn_after_loading(message)
        if guild_config.xp_enabled:
            self._award(config, message)
        return None

    async def _earn_after_loading(self, message: disnake.Message) -> None:
        guild_id = message.guild.id  # type: ignore[union-attr]
        if await self.enabled(guild_id):
            self._award(await self.configs.get(guild_id), message)

    def _award(self, config: GuildLevelConfig, message: disnake.Message) -> None:
        author, guild_id = message.author, config.guild_id
        if self.buffer.cooling_down(author.id, guild_id, config.cooldown_seconds):
            return  # the common case, checked first
        if self.excluded(config, message):
            return
        if not self.buffer.try_start_cooldown(author.id, guild_id, config.cooldown_seconds):
            return
        amount = self._random.randint(config.xp_min, config.xp_max)
        self.buffer.add(author.id, guild_id, amount, author.name, message.channel.id)
        self._authors[(guild_id, author.id)] = author  # type: ignore[assignment]
        self.ensure_loop()

    # -- flushing ------------------------------------------------------------------------

    @commands.Cog.listener("on_ready")
    async def start_flushing(self) -> None:
        """Start the flush loop once the bot is connected."""
        self.ensure_loop()

    @commands.Cog.listener("on_connect")
    async def follow_changes(self) -> None:
        """Drop cached settings when any process (a worker, the dashboard) changes them."""
        if self.bot.bus is not None:
            self.configs.listen(self.bot.bus)

    @commands.Cog.listener("on_shard_ready")
    async def warm_configs(self, shard_id: int) -> None:
        """Load the shard's guilds' leveling settings in bulk (no query on their messages)."""
        await self.configs.warm(g.id for g in self.bot.guilds if g.shard_id == shard_id)

    def ensure_loop(self) -> None:
        """Start the periodic flush unless it runs already."""
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._flush_loop(), name="leveling-flush")

    async def _flush_loop(self) -> None:
        while not self.bot.is_closed():
            await asyncio.sleep(self.settings.flush_seconds)
            if self.bot.is_closed():
                return
            try:
                await self.flush()
            except Exception:
                log.exception("leveling flush failed; the awards are kept for the next one")
            try:  # settings the hot path read past their TTL, reloaded in bulk
                await self.configs.refresh_due()
            except Exception:
                log.exception("refreshing leveling settings failed; retried next time")

    def cog_unload(self) -> None:
        """Stop the flush loop (the buffer is flushed by ``guildhall_flush``)."""
        if self._loop_task is not None:
            self._loop_task.cancel()

    async def flush(self) -> list[LevelUp]:
        """Write pending XP, then announce and reward every level-up it produced (bulk
        REST work: it waits while the invalid-request breaker is open), and wait for the
        level-ups :meth:`write_xp` handed to the background."""
        ups, authors = await self._write()
        await self._reward(ups, authors)
        while self._rewarding:
            await asyncio.gather(*self._rewarding, return_exceptions=True)
        return ups

    async def write_xp(self, guild_id: int) -> list[LevelUp]:
        """Write the guild's pending XP for a reader (``/rank``, the leaderboard, an XP
        change) and hand the level-ups to a background task: their REST requests wait on
        the shared global bucket behind every other level-up, which the reader must not.
        Only the guild's awards: the reader waits for a few rows, not for every award the
        process buffered (a guild's messages all come to this process)."""
        ups, authors = await self._write(guild_id)
        if ups:
            task = asyncio.create_task(self._reward(ups, authors), name="leveling-rewards")
            self._rewarding.add(task)
            task.add_done_callback(self._rewarding.discard)
        return ups

    async def _write(
        self, guild_id: int | None = None
    ) -> tuple[list[LevelUp], dict[tuple[int, int], disnake.Member]]:
        if guild_id is None:
            authors, self._authors = self._authors, {}
            with flush_timer("leveling.xp"):
                return await self.buffer.flush(), authors
        ups = await self.buffer.flush(guild_id)
        return ups, {key: self._authors.pop(key) for key in
                     [(up.change.guild_id, up.change.user_id) for up in ups]
                     if key in self._authors}

    async def _reward(
        self, ups: list[LevelUp], authors: dict[tuple[int, int], disnake.Member]
    ) -> None:
        for up in ups:
            try:
                with non_urgent():
                    await self.level_up(up, authors)
            except Exception:
                log.exception("level-up handling failed for %s", up.change)

    # -- level-ups -----------------------------------------------------------------------

    async def level_up(
        self, up: LevelUp, authors: dict[tuple[int, int], disnake.Member] | None = None
    ) -> None:
        """Give reward roles and announce the new level as the guild configured.

        The member is the cached one, else the one ``authors`` kept from the message that
        earned the XP, else fetched (gone from the guild: nothing to do)."""
        guild = self.bot.get_guild(up.change.guild_id)
        if guild is None:
            return
        key = (guild.id, up.change.user_id)
        member = guild.get_member(up.change.user_id) or (authors or {}).get(key)
        if member is None and not guild.chunked:  # chunked: a full cache, so it left
            try:
                member = await guild.fetch_member(up.change.user_id)
            except disnake.NotFound:
                return
        if member is None:
            return
        config = await self.configs.get(guild.id)
        await self.sync_rewards(member, up.change.new_level, config)
        if config.announce_mode == "off" or not await self.enabled(guild.id):
            return
        channel_id = (
            config.announce_channel_id if config.announce_mode == "channel" else up.channel_id
        )
        channel = guild.get_channel_or_thread(channel_id) if channel_id else None
        if not isinstance(channel, disnake.abc.Messageable):
            return
        await channel.send(
            TEXTS.to(guild)("level_up", member=member.mention, level=up.change.new_level),
            allowed_mentions=only_user(member),
        )

    async def sync_rewards(
        self, member: disnake.Member, level: int, config: GuildLevelConfig
    ) -> list[LocalizedValue]:
        """Add the reward roles ``level`` earns and remove the others; return the problems
        (worded for whoever reads them: the admin of ``/xp``)."""
        guild_rewards = await service.rewards(member.guild.id)
        if not guild_rewards:
            return []
        wanted, unwanted = service.reward_roles(level, guild_rewards, config.keep_lower_rewards)
        held = {role.id for role in member.roles}
        guild = member.guild
        add = [r for r in (guild.get_role(i) for i in sorted(wanted - held)) if r is not None]
        remove = [r for r in (guild.get_role(i) for i in sorted(unwanted & held)) if r]
        problems: list[LocalizedValue] = []
        purpose = TEXTS.phrase("rewards.purpose", level=level, member=f"<@{member.id}>")
        for role in list(add):  # checked again now: the role may have changed since
            refused = await role_rule.may_grant(self.bot, guild, role, purpose)
            if refused is not None:
                add.remove(role)
                problems.append(refused)
        for roles, action in ((add, member.add_roles), (remove, member.remove_roles)):
            if not roles:
                continue
            try:
                await action(*roles, reason=f"level {level} rewards")
            except disnake.HTTPException as exc:
                names = ", ".join(disnake.utils.escape_markdown(r.name) for r in roles)
                problems.append(TEXTS.phrase(
                    "rewards.update_failed", roles=names, error=exc.text or str(exc.status)))
                log.warning("reward roles for %s in %s: %s", member.id, guild.id, exc)
        return problems
