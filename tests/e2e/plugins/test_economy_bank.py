"""``/balance``, ``/transfer``, ``/richest``, ``/transactions``, ``/economy give|take``."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy import service as bank
from plugins.economy.models import Transaction
from tests.e2e.plugins.economy_support import ledger, slash


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["economy"]


async def test_admin_gives_and_takes_and_balances_show_it(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    reply = await slash(double, demo, alice, "balance")
    assert reply.content == f"<@{alice.id}> has 0 \N{COIN}."

    reply = await slash(double, demo, demo.admin, "economy give",
                        {"member": alice, "amount": "1,500", "reason": "@everyone prize"})
    assert reply.content == f"Gave 1,500 \N{COIN} to <@{alice.id}>. New balance: 1,500 \N{COIN}."
    reply = await slash(double, demo, demo.admin, "economy take",
                        {"member": alice, "amount": "500"})
    assert "New balance: 1,000" in reply.content
    reply = await slash(double, demo, demo.members["bob"], "balance", {"member": alice})
    assert reply.content == f"<@{alice.id}> has 1,000 \N{COIN}."

    assert await ledger(demo) == [(alice.id, 1500, "admin"), (alice.id, -500, "admin")]
    descriptions = await Transaction.filter(guild_id=demo.guild.id).order_by("id") \
        .values_list("description", flat=True)
    assert descriptions[0].startswith(f"gave by <@{demo.admin.id}>: ")
    assert "@everyone" not in descriptions[0]  # stored inert
    assert descriptions[1] == f"took by <@{demo.admin.id}>"
    assert_no_mass_mentions(double, min_checked=4)


async def test_give_and_take_need_manage_server_and_take_never_overdraws(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    for sub in ("give", "take"):
        reply = await slash(double, demo, alice, f"economy {sub}",
                            {"member": alice, "amount": "100"})
        assert reply.content == "You need these permissions: Manage Server."
        assert reply.ephemeral
    await bank.deposit(alice.id, demo.guild.id, 50, "admin")
    reply = await slash(double, demo, demo.admin, "economy take",
                        {"member": alice, "amount": "51"})
    assert reply.ephemeral
    assert "the balance is 50 \N{COIN} and this needs 51 \N{COIN}" in reply.content
    reply = await slash(double, demo, demo.admin, "economy give",
                        {"member": alice, "amount": "2147483647"})
    assert reply.ephemeral and "past the maximum" in reply.content
    assert await ledger(demo) == [(alice.id, 50, "admin")]
    assert_no_mass_mentions(double, min_checked=4)


async def test_transfer_moves_coins_between_members(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = demo.member, demo.members["bob"]
    await bank.deposit(alice.id, demo.guild.id, 100, "admin")
    reply = await slash(double, demo, alice, "transfer", {"member": bob, "amount": "40"})
    assert reply.content == f"Sent 40 \N{COIN} to <@{bob.id}>. Your balance: 60 \N{COIN}."
    assert not reply.ephemeral
    assert await bank.balance(bob.id, demo.guild.id) == 40
    assert (await ledger(demo))[1:] == [(alice.id, -40, "transfer"), (bob.id, 40, "transfer")]
    assert_no_mass_mentions(double)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "The amount must not be zero. Nothing was changed."),
        ("-5", "The amount must be positive. Nothing was changed."),
        ("abc", "The amount must be a whole number (like 250). Nothing was changed."),
        ("12.5", "The amount must be a whole number (like 250). Nothing was changed."),
        ("2147483648", "The amount must be at most 2,147,483,647. Nothing was changed."),
        ("101", "the balance is 100 \N{COIN} and this needs 101 \N{COIN}"),
    ],
)
async def test_transfer_bad_amounts_are_refused_and_write_nothing(
    amount: str, expected: str,
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = demo.member, demo.members["bob"]
    await bank.deposit(alice.id, demo.guild.id, 100, "admin")
    reply = await slash(double, demo, alice, "transfer", {"member": bob, "amount": amount})
    assert reply.ephemeral
    assert expected in reply.content
    assert await ledger(demo) == [(alice.id, 100, "admin")]
    assert await bank.balance(alice.id, demo.guild.id) == 100
    assert_no_mass_mentions(double)


async def test_transfer_to_self_or_a_bot_is_refused(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    await bank.deposit(alice.id, demo.guild.id, 100, "admin")
    reply = await slash(double, demo, alice, "transfer", {"member": alice, "amount": "10"})
    assert reply.ephemeral and "cannot transfer to yourself" in reply.content
    bot_member = double.bot_member(demo.guild)
    reply = await slash(double, demo, alice, "transfer", {"member": bot_member, "amount": "10"})
    assert reply.ephemeral and "Bots cannot receive coins" in reply.content
    assert await ledger(demo) == [(alice.id, 100, "admin")]
    assert_no_mass_mentions(double, min_checked=2)


async def test_richest_pages_and_transactions_history(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob, carol = (demo.members[n] for n in ("alice", "bob", "carol"))
    reply = await slash(double, demo, alice, "richest")
    assert reply.content == "Nobody here has any coins yet."
    for member, coins in [(alice, 30), (bob, 500), (carol, 70)]:
        await bank.deposit(member.id, demo.guild.id, coins, "admin", "seed")
    await bank.deposit(alice.id, demo.annex.id, 9999, "admin")  # another guild: not listed
    reply = await slash(double, demo, alice, "richest")
    assert reply.content.splitlines() == [
        "**Richest members** (page 1/1)",
        f"1. <@{bob.id}> — 500 \N{COIN}",
        f"2. <@{carol.id}> — 70 \N{COIN}",
        f"3. <@{alice.id}> — 30 \N{COIN}",
    ]
    reply = await slash(double, demo, alice, "richest", {"page": 5})  # clamped to the last
    assert "(page 1/1)" in reply.content

    await bank.transfer(demo.guild.id, bob.id, alice.id, 5, "thanks")
    reply = await slash(double, demo, alice, "transactions")
    assert reply.ephemeral
    lines = reply.content.splitlines()
    assert lines[0] == f"**Latest transactions of** <@{alice.id}>"
    assert lines[1].startswith(f"`+5` transfer — from <@{bob.id}> (thanks) · <t:")
    assert lines[2].startswith("`+30` admin — seed")

    reply = await slash(double, demo, alice, "transactions", {"member": bob})
    assert reply.content == "You need these permissions: Manage Server."
    reply = await slash(double, demo, demo.admin, "transactions", {"member": bob})
    assert f"`-5` transfer — to <@{alice.id}> (thanks)" in reply.content
    assert_no_mass_mentions(double, min_checked=6)
