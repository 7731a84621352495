"""``/shop list|add|remove`` and ``/buy``: paid roles, refunds, denials."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Role
from core.testing.sandbox.world import DemoWorld
from plugins.economy import service as bank
from plugins.economy.models import ShopItem
from tests.e2e.plugins.economy_support import TIMEOUT, ledger, slash


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["economy"]


async def _role(bot: GuildhallBot, double: DiscordDouble, demo: DemoWorld, name: str,
                **kw: object) -> Role:
    role = double.create_role(demo.guild, name, **kw)  # type: ignore[arg-type]
    await eventually(lambda: bot.get_guild(demo.guild.id).get_role(role.id), timeout=TIMEOUT)
    return role


async def test_admin_stocks_the_shop_and_a_member_buys_a_role(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    vip = await _role(guildhall_bot, double, demo, "VIP")
    assert (await slash(double, demo, alice, "shop list")).content == "The shop is empty."
    owner = demo.guild.members[demo.guild.owner_id]  # Manage Server alone may not sell roles
    reply = await slash(double, demo, owner, "shop add",
                        {"name": "VIP pass", "price": "250", "role": vip,
                         "description": "Shiny @everyone"})
    assert reply.content.startswith(f"Added **VIP pass** — 250 \N{COIN} — gives <@&{vip.id}>")
    await slash(double, demo, demo.admin, "shop add", {"name": "Cookie", "price": "5"})
    listing = (await slash(double, demo, alice, "shop list")).content.splitlines()
    assert listing[0] == "**Shop**"
    assert listing[1] == "**Cookie** — 5 \N{COIN}"
    assert listing[2] == f"**VIP pass** — 250 \N{COIN} — gives <@&{vip.id}>"

    await bank.deposit(alice.id, demo.guild.id, 300, "admin")
    reply = await slash(double, demo, alice, "buy", {"item": "vip PASS"})
    assert reply.content == "You bought **VIP pass** for 250 \N{COIN}. Balance: 50 \N{COIN}."
    assert vip.id in demo.guild.members[alice.id].roles
    reply = await slash(double, demo, alice, "buy", {"item": "VIP pass"})
    assert reply.ephemeral and "already have that item's role" in reply.content
    reply = await slash(double, demo, alice, "buy", {"item": "Cookie"})
    assert "Balance: 45" in reply.content
    assert await ledger(demo) == [
        (alice.id, 300, "admin"), (alice.id, -250, "purchase"), (alice.id, -5, "purchase"),
    ]
    assert_no_mass_mentions(double, min_checked=6)


async def test_role_refused_by_discord_is_refunded(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    top = await _role(guildhall_bot, double, demo, "Top")
    owner = demo.guild.members[demo.guild.owner_id]
    await slash(double, demo, owner, "shop add", {"name": "Crown", "price": "80", "role": top})
    await bank.deposit(alice.id, demo.guild.id, 100, "admin")
    double.faults.fail("/guilds/{guild_id}/members/{user_id}/roles/{role_id}", "PUT",
                       status=403)  # Discord refuses although the bot's rules allowed it
    reply = await slash(double, demo, alice, "buy", {"item": "crown"})
    assert "could not give you the role of **Crown**" in reply.content
    assert "80 \N{COIN} were refunded. Balance: 100 \N{COIN}." in reply.content
    assert top.id not in demo.guild.members[alice.id].roles
    assert await ledger(demo) == [
        (alice.id, 100, "admin"), (alice.id, -80, "purchase"), (alice.id, 80, "refund"),
    ]
    assert_no_mass_mentions(double, min_checked=2)


async def test_buy_refusals_write_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    await slash(double, demo, demo.admin, "shop add", {"name": "Yacht", "price": "1000"})
    await bank.deposit(alice.id, demo.guild.id, 999, "admin")
    reply = await slash(double, demo, alice, "buy", {"item": "Yacht"})
    assert reply.ephemeral and "the balance is 999 \N{COIN} and this needs 1,000" in reply.content
    reply = await slash(double, demo, alice, "buy", {"item": "Rocket"})
    assert reply.ephemeral and "There is no such item" in reply.content
    assert await ledger(demo) == [(alice.id, 999, "admin")]
    assert_no_mass_mentions(double, min_checked=2)


async def test_shop_admin_commands_need_manage_server_and_validate(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    reply = await slash(double, demo, alice, "shop add", {"name": "Hack", "price": "1"})
    assert reply.ephemeral and reply.content == "You need these permissions: Manage Server."
    for price, message in [("0", "must not be zero"), ("lots", "whole number"),
                           ("-4", "positive"), ("3000000000", "at most")]:
        reply = await slash(double, demo, demo.admin, "shop add",
                            {"name": "Thing", "price": price})
        assert reply.ephemeral and message in reply.content, reply.content
    await slash(double, demo, demo.admin, "shop add", {"name": "Thing", "price": "3"})
    reply = await slash(double, demo, demo.admin, "shop add", {"name": "thing", "price": "4"})
    assert reply.ephemeral and "already exists" in reply.content
    reply = await slash(double, demo, alice, "shop remove", {"name": "Thing"})
    assert reply.content == "You need these permissions: Manage Server."
    reply = await slash(double, demo, demo.admin, "shop remove", {"name": "THING"})
    assert reply.content == "Removed **Thing** from the shop."
    reply = await slash(double, demo, demo.admin, "shop remove", {"name": "Thing"})
    assert reply.ephemeral and "no such item" in reply.content
    assert await ShopItem.filter(guild_id=demo.guild.id).count() == 0
    assert_no_mass_mentions(double, min_checked=8)
