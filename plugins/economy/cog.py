"""Bank commands: ``/balance``, ``/transfer``, ``/richest``, ``/transactions``, ``/economy``
(``give``/``take``, and ``config`` for the guild's own amounts, as on the dashboard).

Every change of a balance goes through :mod:`plugins.economy.service`; refusals (bad
amounts, not enough coins) are answered ephemerally and write nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import disnake
from disnake.ext import commands

from core.plugins.api import (
    GUILD_ONLY,
    NO_MENTIONS,
    BotLike,
    Speaker,
    overrides,
    require_manage_guild,
)
from plugins.economy import service as bank
from plugins.economy.guild_settings import AMOUNTS
from plugins.economy.models import Transaction
from plugins.economy.replies import Reply, answer, money, safe_text
from plugins.economy.settings import EconomySettings
from plugins.economy.texts import TEXTS

AMOUNT_HELP = "A whole number of coins, like 250"
HISTORY_LIMIT = 20


def economy_cogs(bot: BotLike, settings: EconomySettings) -> list[commands.Cog]:
    """The economy plugin's cogs for ``bot``."""
    from plugins.economy.cog_games import Games
    from plugins.economy.cog_shop import Shop

    return [Bank(bot, settings), Games(bot, settings), Shop(bot, settings)]


def history_line(row: Transaction, settings: EconomySettings, t: Speaker) -> str:
    """One ledger row for display."""
    sign = "+" if row.amount > 0 else "-"
    note = f" — {row.description}" if row.description else ""
    when = disnake.utils.format_dt(row.created_at, "R")
    return f"`{sign}{t.number(abs(row.amount))}` {row.transaction_type}{note} · {when}"


def refuse_bot(member: disnake.abc.User, what: str, t: Speaker) -> None:
    """Raise a refusal when ``member`` is a bot (bots hold no coins); ``what`` names the
    text (``bots.receive``, ``bots.hold``)."""
    if member.bot:
        raise bank.InvalidAmount(t(what))


class Bank(commands.Cog):
    """Balances, transfers, leaderboards, history and admin adjustments."""

    def __init__(self, bot: BotLike, settings: EconomySettings) -> None:
        self.bot = bot
        self.settings = settings

    # -- /balance ---------------------------------------------------------------------------

    @commands.slash_command(name="balance", description="Show a balance", contexts=GUILD_ONLY)
    async def balance(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member | None = commands.Param(default=None, description="Whose"),
    ) -> None:
        """Show the invoker's (or a member's) balance."""
        assert inter.guild is not None
        target = member or inter.author
        coins = await bank.balance(target.id, inter.guild.id)
        t = TEXTS.to(inter)
        await answer(inter, self.settings, _const(
            t("balance", member=target.mention, amount=money(t, self.settings, coins))
        ))

    # -- /transfer --------------------------------------------------------------------------

    @commands.slash_command(name="transfer", description="Give coins to another member",
                            contexts=GUILD_ONLY)
    async def transfer(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="Who receives them"),
        amount: str = commands.Param(description=AMOUNT_HELP),
    ) -> None:
        """Move coins from the invoker to ``member`` atomically."""
        assert inter.guild is not None
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            refuse_bot(member, "bots.receive", t)
            if member.id == inter.author.id:
                raise bank.SelfTransfer("transfer.self")
            value = bank.parse_amount(amount)
            sent, _ = await bank.transfer(
                guild_id, inter.author.id, member.id, value,
                sender_name=inter.author.name, recipient_name=member.name,
            )
            return t(
                "transfer.sent", amount=money(t, self.settings, value), member=member.mention,
                balance=money(t, self.settings, sent),
            )

        await answer(inter, self.settings, work)

    # -- /richest ---------------------------------------------------------------------------

    @commands.slash_command(name="richest", description="The richest members here",
                            contexts=GUILD_ONLY)
    async def richest(
        self,
        inter: disnake.ApplicationCommandInteraction,
        page: int = commands.Param(default=1, ge=1, le=100_000, description="Page number"),
    ) -> None:
        """One page of the leaderboard by coins."""
        assert inter.guild is not None
        entries, pages = await bank.richest(
            inter.guild.id, page, self.settings.richest_page_size
        )
        t = TEXTS.to(inter)
        if not entries:
            await answer(inter, self.settings, _const(t("richest.empty")))
            return
        shown = (entries[0].rank - 1) // self.settings.richest_page_size + 1
        lines = [t("richest.title", page=shown, pages=pages)]
        lines += [
            t("richest.row", rank=str(e.rank), member=f"<@{e.user_id}>",
              amount=money(t, self.settings, e.coins))
            for e in entries
        ]
        await answer(inter, self.settings, _const("\n".join(lines)))

    # -- /transactions ----------------------------------------------------------------------

    @commands.slash_command(name="transactions", description="The latest 20 transactions",
                            contexts=GUILD_ONLY)
    async def transactions(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member | None = commands.Param(
            default=None, description="Whose (another member's needs Manage Server)"
        ),
    ) -> None:
        """The invoker's latest transactions (a member's, for admins), shown privately."""
        assert inter.guild is not None
        target = member or inter.author
        if target.id != inter.author.id:
            require_manage_guild(inter.author)
        rows = await bank.history(target.id, inter.guild.id, HISTORY_LIMIT)
        t = TEXTS.to(inter)
        if not rows:
            text = t("transactions.none", member=target.mention)
        else:
            head = t("transactions.title", member=target.mention)
            text = "\n".join([head, *(history_line(r, self.settings, t) for r in rows)])
        await answer(inter, self.settings, _const(text[:2000]), ephemeral=True)

    # -- /economy give|take (Manage Server) ---------------------------------------------

    @commands.slash_command(name="economy", description="Balances and amounts (Manage Server)",
                            contexts=GUILD_ONLY)
    async def economy(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the admin subcommands."""

    @economy.sub_command(name="give", description="Give coins to a member (Manage Server)")
    async def give(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="Who"),
        amount: str = commands.Param(description=AMOUNT_HELP),
        reason: str | None = commands.Param(default=None, max_length=100, description="Why"),
    ) -> None:
        """Mint coins into a member's balance, recorded as ``admin``."""
        await self._adjust(inter, member, amount, reason, sign=1)

    @economy.sub_command(name="take", description="Take coins from a member (Manage Server)")
    async def take(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="Who"),
        amount: str = commands.Param(description=AMOUNT_HELP),
        reason: str | None = commands.Param(default=None, max_length=100, description="Why"),
    ) -> None:
        """Remove coins from a member's balance (never below zero), recorded as ``admin``."""
        await self._adjust(inter, member, amount, reason, sign=-1)

    async def _adjust(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member,
        amount: str,
        reason: str | None,
        *,
        sign: int,
    ) -> None:
        assert inter.guild is not None
        require_manage_guild(inter.author)
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            refuse_bot(member, "bots.hold", t)
            value = bank.parse_amount(amount)
            why = f": {safe_text(reason)}" if reason and reason.strip() else ""
            verb = "gave" if sign > 0 else "took"
            new = await bank.change(
                member.id, guild_id, sign * value, bank.TransactionType.ADMIN,
                f"{verb} by <@{inter.author.id}>{why}", username=member.name,
            )
            return t(
                "admin.gave" if sign > 0 else "admin.took", member=member.mention,
                amount=money(t, self.settings, value), balance=money(t, self.settings, new),
            )

        await answer(inter, self.settings, work)

    # -- /economy config show|set (Manage Server) ---------------------------------------

    @economy.sub_command_group(name="config", description="This server's reward amounts")
    async def config(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the amount subcommands."""

    @config.sub_command(name="show", description="This server's daily, work and bet amounts")
    async def config_show(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """The guild's effective amounts (its own, else the config file's)."""
        assert inter.guild is not None
        require_manage_guild(inter.author)
        text = await overrides.show(AMOUNTS, inter.guild.id, self.settings, inter)
        await inter.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @config.sub_command(name="set", description="Change the daily, work or bet amounts")
    async def config_set(
        self,
        inter: disnake.ApplicationCommandInteraction,
        daily_amount: int | None = commands.Param(None, description="The daily reward"),
        work_min: int | None = commands.Param(None, description="Work pays at least"),
        work_max: int | None = commands.Param(None, description="Work pays at most"),
        gamble_max_bet: int | None = commands.Param(None, description="The highest bet"),
    ) -> None:
        """Change the given amounts (validated like the config file; a bad one: nothing)."""
        assert inter.guild is not None
        require_manage_guild(inter.author)
        outcome = await overrides.change(AMOUNTS, inter.guild.id, self.settings, {
            "daily_amount": daily_amount, "work_min": work_min, "work_max": work_max,
            "gamble_max_bet": gamble_max_bet,
        }, actor_id=inter.author.id, reader=inter)
        await inter.response.send_message(outcome.text, ephemeral=not outcome.ok,
                                          allowed_mentions=NO_MENTIONS)


def _const(reply: Reply) -> Callable[[], Awaitable[Reply]]:
    """A ``work`` for :func:`answer` that just returns ``reply``."""

    async def work() -> Reply:
        return reply

    return work
