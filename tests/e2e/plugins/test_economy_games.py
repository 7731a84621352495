"""``/daily`` (cooldown, streak), ``/work`` and ``/gamble`` through the double."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy import service as bank
from plugins.economy.models import Transaction
from plugins.economy.settings import EconomySettings
from tests.e2e.plugins.economy_support import ledger, slash

SETTINGS = EconomySettings(currency_symbol="gp", daily_amount=100, daily_streak_bonus=25,
                           work_min=10, work_max=30, gamble_max_bet=200)


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["economy"]


@pytest.fixture
async def bot(guildhall_db, guildhall_demo: DemoWorld, guildhall_start_bot: StartBot
              ) -> GuildhallBot:
    """The bot with the settings above and a rigged coin (``bot.get_cog("Games").rng``)."""
    guildhall_db.plugins.plugin_settings["economy"] = SETTINGS
    return await guildhall_start_bot()


async def _age(user_id: int, kind: str, hours: float) -> None:
    for row in await Transaction.filter(user_id=user_id, transaction_type=kind):
        row.created_at -= timedelta(hours=hours)
        await row.save(update_fields=["created_at"])


async def test_daily_cooldown_then_streak(
    bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    reply = await slash(double, demo, alice, "daily")
    assert reply.content == "You claimed 100 gp. Balance: 100 gp."
    again = await slash(double, demo, alice, "daily")
    assert again.ephemeral
    assert again.content.startswith("You already used /daily recently; it is available again <t:")
    assert await ledger(demo) == [(alice.id, 100, "daily")]

    await _age(alice.id, "daily", 25)  # as if claimed yesterday
    reply = await slash(double, demo, alice, "daily")
    assert reply.content == "You claimed 125 gp (streak day 2). Balance: 225 gp."
    assert_no_mass_mentions(double, min_checked=3)


async def test_work_pays_in_range_once_an_hour(
    bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    bot.get_cog("Games").rng = lambda: 0.999
    reply = await slash(double, demo, alice, "work")
    assert reply.content == "You worked and earned 30 gp. Balance: 30 gp."
    again = await slash(double, demo, alice, "work")
    assert again.ephemeral and "You already used /work recently" in again.content
    await _age(alice.id, "work", 1)
    bot.get_cog("Games").rng = lambda: 0.0
    reply = await slash(double, demo, alice, "work")
    assert reply.content == "You worked and earned 10 gp. Balance: 40 gp."
    assert await ledger(demo) == [(alice.id, 30, "work"), (alice.id, 10, "work")]
    assert_no_mass_mentions(double, min_checked=3)


async def test_gamble_wins_and_loses(
    bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    await bank.deposit(alice.id, demo.guild.id, 100, "admin")
    games = bot.get_cog("Games")
    games.rng = lambda: 0.2
    reply = await slash(double, demo, alice, "gamble", {"amount": "50"})
    assert reply.content == "You won 46 gp! Balance: 146 gp."
    games.rng = lambda: 0.7
    reply = await slash(double, demo, alice, "gamble", {"amount": "all"})
    assert reply.content == "You lost 146 gp. Balance: 0 gp."
    assert (await ledger(demo))[1:] == [(alice.id, 46, "gamble"), (alice.id, -146, "gamble")]
    assert_no_mass_mentions(double, min_checked=2)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "The amount must not be zero."),
        ("-10", "The amount must be positive."),
        ("ten", "The amount must be a whole number"),
        ("99999999999", "The amount must be at most 2,147,483,647."),
        ("150", "the balance is 120 gp and this needs 150 gp"),
        ("201", "The highest bet is 200."),
    ],
)
async def test_gamble_bad_bets_are_refused_and_write_nothing(
    amount: str, expected: str,
    bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    await bank.deposit(alice.id, demo.guild.id, 120, "admin")
    bot.get_cog("Games").rng = lambda: 0.0  # a sure win must not bypass the checks
    reply = await slash(double, demo, alice, "gamble", {"amount": amount})
    assert reply.ephemeral
    assert expected in reply.content
    assert await ledger(demo) == [(alice.id, 120, "admin")]
    assert_no_mass_mentions(double)
