"""With the leveling plugin not enabled, messages earn nothing and its commands are absent."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildMember
from core.testing.bot_fixtures import channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["moderation"]


async def test_no_xp_without_the_plugin(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    assert guildhall_bot.get_cog("Leveling") is None
    await double.send_message(demo.general, demo.member, "hello")
    await double.send_message(demo.general, demo.member, "!ping")
    await channel_reply(double, demo.general, timeout=15)
    await guildhall_bot.flush()
    assert await GuildMember.filter(guild_id=demo.guild.id).count() == 0
    assert double.find_command("rank", demo.guild) is None
