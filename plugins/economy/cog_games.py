"""Earning and risking coins: ``/daily``, ``/work``, ``/gamble``.

``Games.rng`` (a ``() -> float in [0, 1)``) decides gambles and work pay; tests replace it.
The amounts are the guild's own when its admins set them (:mod:`plugins.economy.guild_settings`).
"""

from __future__ import annotations

import random

import disnake
from disnake.ext import commands

from core.plugins.api import GUILD_ONLY, BotLike
from plugins.economy import rewards
from plugins.economy import service as bank
from plugins.economy.guild_settings import amounts_cache
from plugins.economy.replies import Reply, answer, money
from plugins.economy.settings import EconomySettings
from plugins.economy.texts import TEXTS


class Games(commands.Cog):
    """Daily reward, work and the coin-flip gamble."""

    def __init__(self, bot: BotLike, settings: EconomySettings) -> None:
        self.bot = bot
        self.settings = settings
        self.amounts = amounts_cache(settings)
        self.rng: rewards.Random = random.Random().random

    @commands.Cog.listener("on_connect")
    async def follow_changes(self) -> None:
        """Drop cached guild amounts when any process (the dashboard) changes them."""
        bus = getattr(self.bot, "bus", None)
        if bus is not None:
            self.amounts.listen(bus)

    @commands.slash_command(name="daily", description="Claim your daily coins",
                            contexts=GUILD_ONLY)
    async def daily(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Pay the daily reward (24 h cooldown; consecutive days add a streak bonus)."""
        assert inter.guild is not None
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            reward = await rewards.claim_daily(
                inter.author.id, guild_id, await self.amounts.get(guild_id),
                username=inter.author.name,
            )
            streak = t("daily.streak", day=reward.streak) if reward.streak > 1 else ""
            return t(
                "daily.claimed", amount=money(t, self.settings, reward.amount), streak=streak,
                balance=money(t, self.settings, reward.balance),
            )

        await answer(inter, self.settings, work)

    @commands.slash_command(name="work", description="Work for some coins",
                            contexts=GUILD_ONLY)
    async def work(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Pay a random amount in the configured range (1 h cooldown)."""
        assert inter.guild is not None
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def pay() -> Reply:
            reward = await rewards.do_work(
                inter.author.id, guild_id, await self.amounts.get(guild_id),
                username=inter.author.name, rng=self.rng,
            )
            return t(
                "work.earned", amount=money(t, self.settings, reward.amount),
                balance=money(t, self.settings, reward.balance),
            )

        await answer(inter, self.settings, pay)

    @commands.slash_command(name="gamble", description="Bet coins on a coin flip",
                            contexts=GUILD_ONLY)
    async def gamble(
        self,
        inter: disnake.ApplicationCommandInteraction,
        amount: str = commands.Param(description="Coins to bet (a whole number, or all)"),
    ) -> None:
        """Win ``amount * payout`` with the configured chance, or lose the bet."""
        assert inter.guild is not None
        guild_id = inter.guild.id
        t = TEXTS.to(inter)

        async def work() -> Reply:
            current = await bank.balance(inter.author.id, guild_id)
            bet = bank.parse_amount(amount, balance=current)
            result = await rewards.gamble(
                inter.author.id, guild_id, bet, await self.amounts.get(guild_id),
                username=inter.author.name, rng=self.rng,
            )
            balance = money(t, self.settings, result.balance)
            if result.won:
                return t("gamble.won", amount=money(t, self.settings, result.delta),
                         balance=balance)
            return t("gamble.lost", amount=money(t, self.settings, result.bet), balance=balance)

        await answer(inter, self.settings, work)
