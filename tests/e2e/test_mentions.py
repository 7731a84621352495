"""No bot message can ping @everyone, @here or a role, whatever members type."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, mention_problems
from core.testing.double import DiscordDouble
from core.testing.double.messaging import create_message
from core.testing.sandbox.world import DemoWorld


async def test_mention_like_input_never_becomes_a_ping(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    role = f"<@&{demo.admin_role.id}>"
    send = double.send_message

    await send(demo.general, demo.member, f"@everyone !ping @here {role}")  # not a command
    await send(demo.general, demo.member, f"!ping @everyone @here {role}")
    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")

    await send(demo.general, demo.admin, "!prefix @everyone")
    assert (await channel_reply(double, demo.general)).content == "Prefix set to `@everyone`."
    await send(demo.general, demo.member, "@everyoneping")
    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")

    handle = await double.invoke_slash(
        demo.guild, demo.general, demo.admin, "prefix set", {"prefix": role}
    )
    assert (await handle.wait_response()).content == f"Prefix set to `{role}`."
    show = await double.invoke_slash(demo.guild, demo.general, demo.member, "prefix show")
    assert role in (await show.wait_response()).content

    await send(demo.general, demo.admin, f"{role}prefix \"@here {role}\"")
    refused = (await channel_reply(double, demo.general)).content
    assert "is not a valid prefix" in refused and "@\u200bhere" in refused  # escaped too
    await send(demo.general, demo.admin, f"{role}prefix `@here`")
    assert "@\u200bhere" in (await channel_reply(double, demo.general)).content

    assert assert_no_mass_mentions(double, min_checked=7) >= 7


async def test_unsafe_body_is_reported(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    """The helper itself: a message sent with Discord's default mentions is caught."""
    double, demo = guildhall_double, guildhall_demo
    create_message(double, demo.general, double.bot_user, {"content": "@everyone hi"})
    create_message(
        double, demo.general, double.bot_user,
        {"content": "hi", "allowed_mentions": {"parse": ["users", "roles"]}},
    )
    checked, problems = mention_problems(double)
    assert checked == 2
    assert len(problems) == 2
    assert "no allowed_mentions" in problems[0] and "'roles'" in problems[1]
