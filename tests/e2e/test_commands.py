"""``/ping``, ``!ping`` and the per-guild prefix through the double."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig
from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

QUIET = 0.4  # seconds to wait before concluding that the bot stayed silent


async def test_slash_and_prefix_ping_answered(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    handle = await double.invoke_slash(demo.guild, demo.general, demo.member, "ping")
    assert (await handle.wait_response()).content.startswith("Pong!")

    await double.send_message(demo.general, demo.member, "!ping")
    reply = await channel_reply(double, demo.general)
    assert reply.content.startswith("Pong!")
    assert "latency" in reply.content
    assert_no_mass_mentions(double, min_checked=2)


async def test_annex_guild_on_shard_one_answered(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await double.send_message(demo.annex_general, demo.member, "!ping")
    reply = await channel_reply(double, demo.annex_general)
    assert reply.content.startswith("Pong!")


async def test_prefix_set_by_slash_takes_effect_at_once(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await double.send_message(demo.general, demo.member, "!ping")  # caches the old prefix
    await channel_reply(double, demo.general)

    handle = await double.invoke_slash(
        demo.guild, demo.general, demo.admin, "prefix set", {"prefix": "?"}
    )
    assert (await handle.wait_response()).content == "Prefix set to `?`."
    assert (await GuildConfig.get(guild_id=demo.guild.id)).prefix == "?"

    await double.send_message(demo.general, demo.member, "?ping")
    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")
    await double.send_message(demo.general, demo.member, "!ping")
    with pytest.raises(TimeoutError):
        await channel_reply(double, demo.general, timeout=QUIET)

    show = await double.invoke_slash(demo.guild, demo.general, demo.member, "prefix show")
    assert "`?`" in (await show.wait_response()).content
    annex = await GuildConfig.get_or_none(guild_id=demo.annex.id)
    assert annex is None or annex.prefix == "!"  # other guilds keep their prefix


async def test_prefix_command_shows_and_changes(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await double.send_message(demo.general, demo.member, "!prefix")
    assert "`!`" in (await channel_reply(double, demo.general)).content

    await double.send_message(demo.general, demo.admin, "!prefix gh.")
    assert (await channel_reply(double, demo.general)).content == "Prefix set to `gh.`."
    await double.send_message(demo.general, demo.member, "gh.ping")
    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")


async def test_prefix_set_needs_manage_server(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    handle = await double.invoke_slash(
        demo.guild, demo.general, demo.member, "prefix set", {"prefix": "$"}
    )
    reply = await handle.wait_response()
    assert reply.content == "You need these permissions: Manage Server."
    assert reply.ephemeral

    await double.send_message(demo.general, demo.member, "!prefix $")
    denied = await channel_reply(double, demo.general)
    assert denied.content == "You need these permissions: Manage Server."
    assert await guildhall_bot.guild_configs.prefix(demo.guild.id) == "!"
    assert (await GuildConfig.get(guild_id=demo.guild.id)).prefix == "!"


@pytest.mark.parametrize("bad", ["a b", "x" * 17])
async def test_invalid_prefix_is_refused_and_nothing_changes(
    bad: str,
    guildhall_bot: GuildhallBot,
    guildhall_double: DiscordDouble,
    guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    handle = await double.invoke_slash(
        demo.guild, demo.general, demo.admin, "prefix set", {"prefix": bad}
    )
    reply = await handle.wait_response()
    assert reply.content.startswith(f"That input was not valid: `{bad}` is not a valid prefix")
    assert "1-16 characters without spaces" in reply.content
    row = await GuildConfig.get_or_none(guild_id=demo.guild.id)
    assert row is None or row.prefix == "!"
    await double.send_message(demo.general, demo.member, "!ping")
    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")
