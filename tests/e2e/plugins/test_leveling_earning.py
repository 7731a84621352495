"""Earning XP from messages through the double: cooldown, exclusions, switches, level-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.services import xp
from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.e2e.plugins.leveling_support import (
    QUIET,
    TIMEOUT,
    leveling,
    manual_flushes,
    settle,
    slash,
    stored_xp,
    talk_and_wait,
)


async def test_messages_earn_once_per_cooldown(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    first = await talk_and_wait(double, bot, demo.general, demo.member)
    assert 15 <= first <= 25
    for _ in range(3):
        await double.send_message(demo.general, demo.member, "more")
    await talk_and_wait(double, bot, demo.general, demo.members["bob"])  # later event done
    assert leveling(bot).buffer.pending(demo.member.id, demo.guild.id) == first
    assert await stored_xp(bot, demo.guild, demo.member) == first
    user_global = await xp.global_xp(demo.member.id)
    assert user_global == (first, 1)

    reply = await slash(double, demo.guild, demo.general, demo.admin, "levels rates",
                        {"cooldown": 0, "xp_min": 5, "xp_max": 5})
    assert "5-5 XP per message, once every 0 s" in reply.content
    for expected in (5, 10, 15):
        assert await talk_and_wait(double, bot, demo.general, demo.member) == expected
    assert await stored_xp(bot, demo.guild, demo.member) == first + 15
    assert (await xp.global_xp(demo.member.id))[0] == first + 15


async def test_excluded_channel_and_role_earn_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    random_channel = next(c for c in demo.guild.channels.values() if c.name == "random")
    quiet_role = double.create_role(demo.guild, "No XP")
    dave = await double.member_join(demo.guild, "dave", roles=[quiet_role])
    reply = await slash(double, demo.guild, demo.general, demo.admin, "levels exclude",
                        {"channel": random_channel, "role": quiet_role})
    assert "No XP is earned any more" in reply.content
    await double.send_message(random_channel, demo.member, "in the excluded channel")
    await double.send_message(demo.general, dave, "with the excluded role")
    await talk_and_wait(double, bot, demo.general, demo.members["bob"])
    await settle()
    cog = leveling(bot)
    assert cog.buffer.pending(demo.member.id, demo.guild.id) == 0
    assert cog.buffer.pending(dave.id, demo.guild.id) == 0
    assert await stored_xp(bot, demo.guild, demo.member) == 0
    assert await stored_xp(bot, demo.guild, dave) == 0

    await slash(double, demo.guild, demo.general, demo.admin, "levels include",
                {"channel": random_channel})
    assert await talk_and_wait(double, bot, random_channel, demo.member) > 0
    assert_no_mass_mentions(double)


async def test_xp_disabled_earns_nothing_and_commands_say_so(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, manual_flushes(guildhall_bot)
    reply = await slash(double, demo.guild, demo.general, demo.admin, "levels toggle",
                        {"enabled": False})
    assert reply.content == "Leveling is now **off**."
    await double.send_message(demo.general, demo.member, "hello")
    await double.send_message(demo.general, demo.member, "!ping")
    await channel_reply(double, demo.general, timeout=TIMEOUT)
    await settle()
    assert leveling(bot).buffer.pending(demo.member.id, demo.guild.id) == 0
    assert await stored_xp(bot, demo.guild, demo.member) == 0
    rank = await slash(double, demo.guild, demo.general, demo.member, "rank")
    assert rank.content == "Leveling is turned off in this server." and rank.ephemeral

    await slash(double, demo.guild, demo.general, demo.admin, "levels toggle", {"enabled": True})
    assert await talk_and_wait(double, bot, demo.general, demo.member) > 0


async def test_periodic_flush_writes_without_being_asked(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await double.send_message(demo.general, demo.member, "hello")
    # no explicit flush: the cog's loop writes within flush_seconds (2 s by default)
    await eventually(_has_xp(demo), timeout=TIMEOUT, message="XP never reached the database")


def _has_xp(demo: DemoWorld) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return (await xp.member_xp(demo.guild.id, demo.member.id))[0] >= 15
    return check


async def _reach_level_two(double: DiscordDouble, bot: GuildhallBot, demo: DemoWorld) -> None:
    await slash(double, demo.guild, demo.general, demo.admin, "xp set",
                {"member": demo.member, "amount": 150})
    await talk_and_wait(double, bot, demo.general, demo.member)
    await bot.flush()
    assert await xp.member_xp(demo.guild.id, demo.member.id) >= (165, 2)


async def test_level_up_announced_in_same_channel(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await _reach_level_two(double, manual_flushes(guildhall_bot), demo)
    message = await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert message.content == f"GG <@{demo.member.id}>, you reached **level 2**!"
    assert [int(u) for u in message.allowed_mentions["users"]] == [demo.member.id]
    assert_no_mass_mentions(double)


async def test_level_up_announced_in_configured_channel(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    levels_channel = double.create_channel(demo.guild, "level-ups")
    reply = await slash(double, demo.guild, demo.general, demo.admin, "levels announce",
                        {"mode": "a fixed channel", "channel": levels_channel})
    assert reply.content == f"Level-up announcements: in <#{levels_channel.id}>."
    await _reach_level_two(double, manual_flushes(guildhall_bot), demo)
    message = await channel_reply(double, levels_channel, timeout=TIMEOUT)
    assert "reached **level 2**" in message.content
    with pytest.raises(TimeoutError):
        await channel_reply(double, demo.general, timeout=QUIET)
    assert_no_mass_mentions(double)


async def test_level_up_not_announced_when_off(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    reply = await slash(double, demo.guild, demo.general, demo.admin, "levels announce",
                        {"mode": "off"})
    assert reply.content == "Level-up announcements: off."
    bad = await slash(double, demo.guild, demo.general, demo.admin, "levels announce",
                      {"mode": "a fixed channel"})
    assert bad.ephemeral and "choose the channel" in bad.content
    await _reach_level_two(double, manual_flushes(guildhall_bot), demo)
    with pytest.raises(TimeoutError):
        await channel_reply(double, demo.general, timeout=QUIET * 2)
