"""``/global leaderboard`` and ``/global optout`` end to end: order across guilds, names
without pings, the opt-out honoured."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import User
from core.services.xp import level_for_xp
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.leveling.models import GlobalBoardOptOut
from tests.e2e.plugins.welcome_support import slash


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["leveling"]


async def seed(users: dict[int, tuple[str, int]]) -> None:
    """Users with their global XP (as earned in any guild)."""
    for user_id, (name, xp) in users.items():
        await User.update_or_create(
            user_id=user_id,
            defaults={"username": name, "global_xp": xp, "global_level": level_for_xp(xp)})


async def test_global_leaderboard_order_names_and_opt_out(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = demo.members["alice"], demo.members["bob"]
    stranger = 9_000_000_001  # a user of another guild only
    await seed({alice.id: ("alice", 500), bob.id: ("bob", 1500),
                stranger: ("@everyone **loud** <@&1>", 1000), 9_000_000_002: ("idle", 0)})

    board = await slash(double, demo, alice, "global leaderboard")
    assert board.content.splitlines() == [
        "**Global leaderboard** (page 1 of 1)",
        f"1. bob: level {level_for_xp(1500)} (1,500 XP)",
        f"2. @\u200beveryone \\*\\*loud\\*\\* @\u200brole: level {level_for_xp(1000)} (1,000 XP)",
        f"3. alice: level {level_for_xp(500)} (500 XP)",
    ]
    assert not board.ephemeral
    assert board.message is not None
    assert not (board.message.allowed_mentions or {}).get("parse")

    reply = await slash(double, demo, alice, "global optout", {"state": "on"})
    assert reply.ephemeral and reply.content == "You are hidden from the global leaderboard."
    assert await GlobalBoardOptOut.filter(user_id=alice.id).exists()
    board = await slash(double, demo, bob, "global leaderboard")
    assert [line.split(":")[0] for line in board.content.splitlines()[1:]] == [
        "1. bob", "2. @\u200beveryone \\*\\*loud\\*\\* @\u200brole"]
    assert "alice" not in board.content

    reply = await slash(double, demo, alice, "global optout", {"state": "off"})
    assert reply.content == "You are shown on the global leaderboard again."
    board = await slash(double, demo, bob, "global leaderboard")
    assert board.content.splitlines()[-1].startswith("3. alice:")

    bad = await slash(double, demo, bob, "global leaderboard", {"page": 2})
    assert bad.ephemeral and "there is no page 2 (there are 1)" in bad.content
    assert_no_mass_mentions(double, min_checked=5)
