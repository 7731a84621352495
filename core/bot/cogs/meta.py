"""``/ping``, ``!ping`` and the per-guild prefix (``/prefix show|set``, ``!prefix [new]``).

Changing the prefix goes through ``bot.guild_configs.update``: one validation, one audit
row, and the cache entry is invalidated in every worker (through the bus) so the very
next message is parsed with the new prefix.
Replies use the bot's default allowed mentions (none), so echoing user input never pings.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction

from core.bot.texts import TEXTS
from core.i18n.texts import Speaker

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

GUILD_ONLY = disnake.InteractionContextTypes(guild=True)


def pong(bot: commands.AutoShardedBot, guild: disnake.Guild | None, t: Speaker) -> str:
    """``Pong`` with the gateway latency of the shard serving ``guild`` (shard 0 in DMs)."""
    shard = bot.get_shard(guild.shard_id if guild else 0)
    latency = shard.latency if shard is not None else bot.latency
    if not math.isfinite(latency):
        return t("ping.unmeasured")
    return t("ping.latency", ms=f"{latency * 1000:.0f}")


def show_prefix(prefix: str) -> str:
    """``prefix`` rendered literally: in a code span, or escaped when it holds a backtick."""
    if "`" in prefix:
        return disnake.utils.escape_markdown(disnake.utils.escape_mentions(prefix))
    return f"`{prefix}`"


def require_manage_guild(author: disnake.abc.User) -> None:
    """Raise ``MissingPermissions`` unless ``author`` may manage the server."""
    if not isinstance(author, disnake.Member) or not author.guild_permissions.manage_guild:
        raise commands.MissingPermissions(["manage_guild"])


class Meta(commands.Cog):
    """Liveness and prefix commands."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot

    async def change_prefix(
        self, guild: disnake.Guild, author: disnake.abc.User, new: str, source: str, t: Speaker
    ) -> str:
        """Set ``guild``'s prefix after the permission check (audited as coming from
        ``source``, ``slash`` or ``prefix``); return the confirmation text."""
        require_manage_guild(author)
        try:
            await self.bot.guild_configs.update(
                guild.id, actor_id=author.id, source=source, prefix=new
            )
        except ValueError as exc:
            raise commands.BadArgument(
                t("prefix.invalid", prefix=show_prefix(new), reason=str(exc))
            ) from exc
        return t("prefix.set", prefix=show_prefix(new))

    async def current_prefix(self, guild: disnake.Guild, t: Speaker) -> str:
        """The text answering "what is the prefix here"."""
        prefix = await self.bot.guild_configs.prefix(guild.id)
        return t("prefix.current", prefix=show_prefix(prefix))

    # -- /ping, !ping -------------------------------------------------------------------

    @commands.slash_command(name="ping", description="Check that the bot answers")
    async def ping_slash(self, inter: ApplicationCommandInteraction) -> None:
        """Answer with the gateway latency."""
        await inter.response.send_message(pong(self.bot, inter.guild, TEXTS.to(inter)))

    @commands.command(name="ping", help="Check that the bot answers")
    async def ping_prefix(self, ctx: commands.Context) -> None:
        """Answer with the gateway latency."""
        await ctx.send(pong(self.bot, ctx.guild, TEXTS.to(ctx)))

    # -- /prefix show|set, !prefix [new] ---------------------------------------------------

    @commands.slash_command(name="prefix", description="The prefix of text commands here",
                            contexts=GUILD_ONLY)
    async def prefix_slash(self, inter: ApplicationCommandInteraction) -> None:
        """Parent of the prefix subcommands."""

    @prefix_slash.sub_command(name="show", description="Show the prefix of text commands")
    async def prefix_show(self, inter: ApplicationCommandInteraction) -> None:
        """Show this server's prefix."""
        assert inter.guild is not None
        await inter.response.send_message(await self.current_prefix(inter.guild, TEXTS.to(inter)))

    @prefix_slash.sub_command(name="set", description="Change the prefix (Manage Server)")
    async def prefix_set(
        self,
        inter: ApplicationCommandInteraction,
        prefix: str = commands.Param(description="1-16 characters, no spaces"),
    ) -> None:
        """Change this server's prefix."""
        assert inter.guild is not None
        await inter.response.send_message(
            await self.change_prefix(inter.guild, inter.author, prefix, "slash", TEXTS.to(inter))
        )

    @commands.command(name="prefix", help="Show the prefix, or change it (Manage Server)")
    @commands.guild_only()
    async def prefix_prefix(self, ctx: commands.Context, new: str | None = None) -> None:
        """``!prefix`` shows the prefix; ``!prefix NEW`` changes it."""
        assert ctx.guild is not None
        t = TEXTS.to(ctx)
        if new is None:
            await ctx.send(await self.current_prefix(ctx.guild, t))
        else:
            await ctx.send(await self.change_prefix(ctx.guild, ctx.author, new, "prefix", t))
