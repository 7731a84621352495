"""The large profile through the double: no member cache, yet reward roles and moderation
work (from the message's member, and members fetched on demand)."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.moderation.models import Warning
from tests.e2e.plugins.leveling_support import (
    leveling,
    manual_flushes,
    role_ids,
    slash,
    talk_and_wait,
)
from tests.e2e.plugins.moderation_support import MOD_PERMISSIONS, TIMEOUT

# these tests are about the large profile: they start their bots under it, never another
pytestmark = pytest.mark.parametrize("guildhall_profile", ["large"], indirect=True)


def member_fetches(double: DiscordDouble, guild_id: int, user_id: int) -> int:
    """How many ``GET /guilds/{guild}/members/{user}`` the bot sent."""
    path = f"/guilds/{guild_id}/members/{user_id}"
    return sum(1 for r in double.requests if r.method == "GET" and r.path.endswith(path))


async def test_level_up_reward_comes_from_the_messages_member(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, guildhall_start_bot: Any
) -> None:
    double, demo = guildhall_double, guildhall_demo
    bot = manual_flushes(await guildhall_start_bot(profile="large"))
    guild, alice = demo.guild, demo.member
    assert bot.get_guild(guild.id).get_member(alice.id) is None  # type: ignore[union-attr]
    bronze = double.create_role(guild, "Bronze")
    owner = guild.members[guild.owner_id]
    await slash(double, guild, demo.general, owner, "levels reward add",
                {"level": 2, "role": bronze})
    await slash(double, guild, demo.general, demo.admin, "xp set",
                {"member": alice, "amount": 150})
    assert role_ids(guild, alice) == set()  # level 1 still
    await talk_and_wait(double, bot, demo.general, alice)
    fetches = member_fetches(double, guild.id, alice.id)
    ups = await leveling(bot).flush()
    assert [u.change.new_level for u in ups] == [2]
    assert role_ids(guild, alice) == {bronze.id}
    assert member_fetches(double, guild.id, alice.id) == fetches  # the message's member
    announced = await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert "level 2" in announced.content
    assert_no_mass_mentions(double)


async def test_moderation_checks_fetch_members_not_in_the_cache(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, guildhall_start_bot: Any
) -> None:
    double, demo = guildhall_double, guildhall_demo
    role = double.create_role(demo.guild, "Moderator", permissions=MOD_PERMISSIONS)
    mod = double.add_member(demo.guild, "mod", roles=[role])
    peer = double.add_member(demo.guild, "peer", roles=[role])
    bot = await guildhall_start_bot(profile="large")
    guild = bot.get_guild(demo.guild.id)
    assert guild is not None and guild.get_member(peer.id) is None
    bob = demo.members["bob"]

    async def say(text: str) -> str:
        await double.send_message(demo.general, mod, text)
        return (await channel_reply(double, demo.general, timeout=TIMEOUT)).content

    refused = await say(f"!warn <@{peer.id}> same rank")  # the twin fetches the member
    assert "highest role is equal to or above yours" in refused
    assert member_fetches(double, demo.guild.id, peer.id) >= 1
    assert await Warning.all().count() == 0
    warned = await say(f"!warn {bob.id} spamming")
    assert warned.startswith("Case #1: warned")
    assert await Warning.filter(user_id=bob.id).count() == 1
    handle = await double.invoke_slash(demo.guild, demo.general, mod, "kick",
                                       {"member": bob}, register_timeout=TIMEOUT)
    kicked = await handle.wait_response(timeout=TIMEOUT)
    assert kicked.content.startswith("Case #2: kicked")
    assert bob.id not in demo.guild.members
    assert_no_mass_mentions(double)
