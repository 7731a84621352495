"""``/greet set|show|clear`` and the welcome on member join, through the real bot."""

from __future__ import annotations

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.third_party.greetings.conftest import TIMEOUT, slash


async def test_admin_sets_a_welcome_and_a_newcomer_is_greeted_pinging_only_them(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    from guildhall_greetings.models import Greeting

    double, demo = guildhall_double, guildhall_demo
    welcome = double.create_channel(demo.guild, "welcome")
    empty = await slash(double, demo.guild, demo.general, demo.member, "greet show")
    assert empty.ephemeral and "no welcome message" in empty.content
    reply = await slash(double, demo.guild, demo.general, demo.admin, "greet set",
                        {"channel": welcome, "template": "Hi {member}, {name} joined {guild}!"})
    assert reply.ephemeral, reply.content
    assert reply.content.startswith(f"New members will be greeted in <#{welcome.id}>.")
    row = await Greeting.get(guild_id=demo.guild.id)
    assert (row.channel_id, row.set_by) == (welcome.id, demo.admin.id)

    newcomer = await double.member_join(demo.guild, "**dave** @everyone")
    message = await channel_reply(double, welcome, timeout=TIMEOUT)
    assert message.content == (
        f"Hi <@{newcomer.id}>, \\*\\*dave\\*\\* @\u200beveryone joined Guildhall Demo!")
    assert message.allowed_mentions == {"parse": [], "users": [newcomer.id]}
    shown = await slash(double, demo.guild, demo.general, demo.member, "greet show")
    assert f"(posted in <#{welcome.id}>)" in shown.content
    assert_no_mass_mentions(double, min_checked=3)


async def test_bad_input_and_missing_permission_change_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    from guildhall_greetings.models import Greeting, ScheduledGreeting

    double, demo = guildhall_double, guildhall_demo
    refused = [
        (demo.admin, "greet set", {"channel": demo.general, "template": "   "},
         "the template is empty"),
        (demo.admin, "greet set", {"channel": demo.general, "template": "Hi {user.__class__}"},
         "unknown placeholder {user.__class__}; use {member}, {name}, {guild}"),
        (demo.admin, "greet set", {"channel": demo.general, "template": "x" * 1001},
         "the template is 1,001 characters; the limit is 1,000"),
        (demo.member, "greet set", {"channel": demo.general, "template": "Hi {member}"},
         "Manage Server"),
        (demo.admin, "greet schedule", {"delay": "soon", "text": "hello"},
         "a delay is a number and a unit: 30s, 10m, 2h or 1d"),
        (demo.admin, "greet schedule", {"delay": "8d", "text": "hello"},
         "at most 7 days"),
        (demo.admin, "greet schedule", {"delay": "1m", "text": "  "},
         "the greeting text is empty"),
        (demo.member, "greet schedule", {"delay": "1m", "text": "hello"}, "Manage Server"),
        (demo.member, "greet clear", {}, "Manage Server"),
    ]
    for member, command, options, error in refused:
        reply = await slash(double, demo.guild, demo.general, member, command, options)
        assert reply.ephemeral and error in reply.content, (command, options, reply.content)
    assert await Greeting.all().count() == 0
    assert await ScheduledGreeting.all().count() == 0
    assert_no_mass_mentions(double, min_checked=len(refused))


async def test_clear_removes_the_welcome_so_joins_are_quiet(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    from guildhall_greetings.models import Greeting

    double, demo = guildhall_double, guildhall_demo
    await slash(double, demo.guild, demo.general, demo.admin, "greet set",
                {"channel": demo.general, "template": "Welcome {member}"})
    cleared = await slash(double, demo.guild, demo.general, demo.admin, "greet clear")
    assert cleared.content == "Welcome message removed."
    again = await slash(double, demo.guild, demo.general, demo.admin, "greet clear")
    assert again.content == "There was no welcome message."
    assert not await Greeting.exists(guild_id=demo.guild.id)
    await double.member_join(demo.guild, "erin")
    probe = await slash(double, demo.guild, demo.general, demo.member, "greet show")
    assert "no welcome message" in probe.content  # the join was handled before this answer
    posted = [m for m in double.messages_in(demo.general) if m.interaction is None]
    assert posted == []
