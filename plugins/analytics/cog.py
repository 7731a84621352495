"""Recording every command use (slash, prefix, custom) and ``/stats commands|me|bot``.

Listeners only append to :class:`StatsRecorder` (no I/O); a loop writes the rows every
``flush_seconds``, a full batch (``batch_rows``) is written at once in a background task,
and ``guildhall_flush`` writes the rest at shutdown. ``/stats bot`` counts gateway events
by type (``bot.gateway_events``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands

from core.plugins.api import Speaker, flush_timer
from plugins.analytics import service
from plugins.analytics.recorder import StatsRecorder
from plugins.analytics.settings import AnalyticsSettings
from plugins.analytics.texts import TEXTS

if TYPE_CHECKING:
    from core.plugins.api import BotLike

log = logging.getLogger(__name__)
GUILD_ONLY = disnake.InteractionContextTypes(guild=True)
SUB = (disnake.OptionType.sub_command, disnake.OptionType.sub_command_group)
Inter = disnake.ApplicationCommandInteraction
MAX_DAYS = 3650


def slash_name(inter: Inter) -> str:
    """The full invoked name, subcommands included (``customcmd create``)."""
    parts = [inter.data.name]
    options = inter.data.options
    while options and options[0].type in SUB:
        parts.append(options[0].name)
        options = options[0].options
    return " ".join(parts)


def per_second(count: int, seconds: float) -> Decimal:
    """``count / seconds`` to two decimals (shown with the reader's decimal sign)."""
    return Decimal(count / seconds).quantize(Decimal("0.01"))


def ranking(rows: list[tuple[str, int]], t: Speaker) -> str:
    """``1. `name`: 12 uses`` lines."""
    return "\n".join(
        t("ranking.one" if count == 1 else "ranking.many", position=str(i),
          name=name.replace("`", ""), count=count)
        for i, (name, count) in enumerate(rows, 1)
    )


class Analytics(commands.Cog):
    """Command usage recording and the ``/stats`` commands."""

    def __init__(self, bot: BotLike, settings: AnalyticsSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.recorder = StatsRecorder(settings.batch_rows, settings.max_buffered_rows)
        self.started = time.monotonic()
        self._loop_task: asyncio.Task[None] | None = None
        self._batch_task: asyncio.Task[None] | None = None

    # -- recording -----------------------------------------------------------------------

    def record(self, name: str, guild_id: int | None, user_id: int) -> None:
        """Buffer one use; start a batch write when a full batch is waiting."""
        if self.recorder.record(name, guild_id, user_id) and (
            self._batch_task is None or self._batch_task.done()
        ):
            self._batch_task = asyncio.create_task(self._safe_flush(), name="analytics-batch")
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._flush_loop(), name="analytics-flush")

    async def flush(self) -> int:
        """Write buffered rows now; return how many."""
        with flush_timer("analytics.command_stats"):
            return await self.recorder.flush()

    async def _safe_flush(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("writing command stats failed; rows kept for the next flush")

    async def _flush_loop(self) -> None:
        while not self.bot.is_closed():
            await asyncio.sleep(self.settings.flush_seconds)
            await self._safe_flush()

    def cog_unload(self) -> None:
        """Stop the background writes (the final flush runs through ``guildhall_flush``)."""
        for task in (self._loop_task, self._batch_task):
            if task is not None:
                task.cancel()

    @commands.Cog.listener("on_slash_command_completion")
    async def slash_completed(self, inter: Inter) -> None:
        """Record a slash command that ran."""
        self.record(slash_name(inter), inter.guild_id, inter.author.id)

    @commands.Cog.listener("on_user_command_completion")
    @commands.Cog.listener("on_message_command_completion")
    async def menu_completed(self, inter: Inter) -> None:
        """Record a context-menu command that ran."""
        self.record(inter.data.name, inter.guild_id, inter.author.id)

    @commands.Cog.listener()
    async def on_command_completion(self, ctx: commands.Context) -> None:
        """Record a prefix command that ran."""
        if ctx.command is not None:
            self.record(ctx.command.qualified_name, ctx.guild.id if ctx.guild else None,
                        ctx.author.id)

    @commands.Cog.listener()
    async def on_custom_command(self, message: disnake.Message, name: str) -> None:
        """Record a custom command (dispatched by the customcmds plugin)."""
        self.record(f"custom:{name}", message.guild.id if message.guild else None,
                    message.author.id)

    @property
    def events(self) -> Counter[str]:
        """Gateway events by type (counted by the bot without a task per event)."""
        return self.bot.gateway_events

    # -- /stats --------------------------------------------------------------------------

    @commands.slash_command(name="stats", description="Command usage statistics")
    async def stats(self, inter: Inter) -> None:
        """Parent of the stats subcommands."""

    @stats.sub_command(name="commands", description="The most used commands in this server")
    async def stats_commands(
        self, inter: Inter,
        days: int | None = commands.Param(None, description="Period in days (default 30)"),
    ) -> None:
        """Top commands of the guild over ``days``."""
        t = TEXTS.to(inter)
        if inter.guild_id is None:
            await inter.response.send_message(t("server_only"), ephemeral=True)
            return
        period = self.settings.default_days if days is None else days
        if not 1 <= period <= MAX_DAYS:
            await inter.response.send_message(t("period", max=MAX_DAYS), ephemeral=True)
            return
        await self.flush()
        rows = await service.top_commands(inter.guild_id, period)
        if not rows:
            await inter.response.send_message(t("top.none", days=period))
            return
        await inter.response.send_message(
            t("top.title", days=period) + "\n" + ranking(rows, t)
        )

    @stats.sub_command(name="me", description="Your command usage in this server")
    async def stats_me(self, inter: Inter) -> None:
        """The invoker's uses and favourite commands in this guild."""
        t = TEXTS.to(inter)
        if inter.guild_id is None:
            await inter.response.send_message(t("server_only"), ephemeral=True)
            return
        await self.flush()
        total, top = await service.user_summary(inter.guild_id, inter.author.id)
        if not total:
            await inter.response.send_message(t("me.none"), ephemeral=True)
            return
        days = self.bot.settings.maintenance.command_stats_retention_days
        head = t("me.one" if total == 1 else "me.many", count=total, days=days)
        await inter.response.send_message(head + "\n" + ranking(top, t), ephemeral=True)

    @stats.sub_command(name="bot", description="Uptime, shards and gateway events (owner)")
    async def stats_bot(self, inter: Inter) -> None:
        """Process-wide figures for the bot owner."""
        t = TEXTS.to(inter)
        if not await self.bot.is_owner(inter.author):
            await inter.response.send_message(t("owner_only"), ephemeral=True)
            return
        await inter.response.send_message(self.bot_report(t), ephemeral=True)

    def bot_report(self, t: Speaker | None = None) -> str:
        """Uptime, guilds, shard latencies and events per second by type, in ``t``'s
        language (English without one); numbers in its format."""
        t = t or TEXTS.english()
        uptime = max(time.monotonic() - self.started, 1e-9)
        hours, rest = divmod(int(uptime), 3600)
        lines = [t("bot.head", uptime=t("bot.uptime", hours=hours, minutes=f"{rest // 60:02d}",
                                        seconds=f"{rest % 60:02d}"),
                   guilds=len(self.bot.guilds), shards=len(self.bot.shards))]
        for shard_id, shard in sorted(self.bot.shards.items()):
            latency = (t("bot.latency", ms=round(shard.latency * 1000))
                       if math.isfinite(shard.latency) else t("bot.not_measured"))
            lines.append(t("bot.shard", shard=str(shard_id), latency=latency))
        total = sum(self.events.values())
        lines.append(t("bot.events", total=total, rate=per_second(total, uptime)))
        for event, count in self.events.most_common(10):
            lines.append(t("bot.event", event=event.replace("`", ""), count=count,
                           rate=per_second(count, uptime)))
        return "\n".join(lines)[:2000]
