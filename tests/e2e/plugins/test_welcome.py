"""``/welcome`` end to end: the welcome on join (channel, DM), the join role with the role
rule and membership screening, denials that write nothing."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig, SettingsAudit
from core.services.templates import ZWSP
from core.testing.bot_fixtures import assert_no_mass_mentions, channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.double import permissions as P
from core.testing.sandbox.world import DemoWorld
from plugins.welcome.models import WelcomeSettings
from tests.e2e.plugins.welcome_support import TIMEOUT, owner, role, slash

HOSTILE = ("Hi {user.mention} ({user.name}, {user.id}) in {server}: {user.__class__} {0} "
           "@everyone @here <@&1234> {arg1}{nope")


@pytest.fixture
def guildhall_plugins() -> list[str]:
    return ["welcome"]


async def test_join_posts_the_welcome_pinging_only_the_newcomer(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    general, admin = demo.general, demo.admin
    reply = await slash(double, demo, admin, "welcome set", {"channel": general})
    assert reply.ephemeral and reply.content == f"New members will be welcomed in <#{general.id}>."
    reply = await slash(double, demo, admin, "welcome message", {"text": HOSTILE})
    assert reply.ephemeral and reply.content.startswith("Welcome text saved. Preview:\nHi <@")

    newbie = double.add_member(demo.guild, "newbie")
    posted = await channel_reply(double, general, timeout=TIMEOUT)
    assert posted.content == (
        f"Hi <@{newbie.id}> (newbie, {newbie.id}) in Guildhall Demo: {{user.__class__}} {{0}} "
        f"@{ZWSP}everyone @{ZWSP}here @{ZWSP}role {{arg1}}{{nope"
    )
    mentions = posted.allowed_mentions
    assert mentions is not None
    assert [int(u) for u in mentions.get("users", [])] == [newbie.id]
    assert not mentions.get("parse") and not mentions.get("roles")

    shown = await slash(double, demo, admin, "welcome show")
    assert shown.ephemeral and f"Welcome: <#{general.id}>; by direct message: off." in (
        shown.content)
    settings = await GuildConfig.get(guild_id=demo.guild.id)
    assert settings.welcome_channel_id == general.id
    audited = await SettingsAudit.filter(guild_id=demo.guild.id).values_list("setting", flat=True)
    assert {"welcome_channel_id", "welcome.template"} <= set(audited)

    assert (await slash(double, demo, admin, "welcome off")).content == (
        "Welcome messages are off.")
    shown = await slash(double, demo, admin, "welcome show")
    assert "Welcome: no channel; by direct message: off." in shown.content
    # the stored text is echoed without mention syntax
    assert f"@{ZWSP}everyone" in shown.content and "<@&" not in shown.content
    assert_no_mass_mentions(double, min_checked=5)


async def test_dm_flag_and_test_send(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    admin = demo.admin
    reply = await slash(double, demo, admin, "welcome test")
    assert reply.ephemeral and "No welcome is set up" in reply.content
    assert (await slash(double, demo, admin, "welcome dm", {"state": "on"})).content == (
        "Welcome by direct message: **on**.")
    row = await WelcomeSettings.get(guild_id=demo.guild.id)
    assert row.dm and row.template == "Welcome to {server}, {user.mention}!"

    newbie = double.add_member(demo.guild, "newbie")
    dm = double.world.dm_channel(double.bot_user.id, newbie.user)
    sent = await double.wait_for_message(dm, timeout=TIMEOUT)
    assert sent.content == f"Welcome to Guildhall Demo, <@{newbie.id}>!"
    assert [int(u) for u in sent.allowed_mentions.get("users", [])] == [newbie.id]
    # no channel chosen: a DM only (the channel holds only the command answers)
    assert all(m.interaction is not None for m in double.messages_in(demo.general))

    await slash(double, demo, admin, "welcome set", {"channel": demo.general})
    handle = await double.invoke_slash(demo.guild, demo.general, admin, "welcome test", {},
                                       register_timeout=TIMEOUT)
    answer = await handle.wait_followup(timeout=TIMEOUT)
    assert answer.content == f"Test welcome sent to <#{demo.general.id}> and a direct message."
    mine = await double.wait_for_message(double.world.dm_channel(double.bot_user.id, admin.user),
                                         timeout=TIMEOUT)
    assert mine.content == f"Welcome to Guildhall Demo, <@{admin.id}>!"
    posted = await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert posted.content == mine.content

    await slash(double, demo, admin, "welcome dm", {"state": "off"})
    assert not (await WelcomeSettings.get(guild_id=demo.guild.id)).dm
    assert_no_mass_mentions(double, min_checked=5)


async def test_join_role_waits_for_membership_screening(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    greeter = await role(guildhall_bot, double, demo, "Greeter")
    boss = owner(demo)
    await slash(double, demo, boss, "welcome set", {"channel": demo.general})
    reply = await slash(double, demo, boss, "welcome autorole set", {"role": greeter})
    assert reply.ephemeral and reply.content.startswith("New members will get Greeter")
    assert (await GuildConfig.get(guild_id=demo.guild.id)).auto_role_id == greeter.id

    # the role is decided before the welcome is posted: the welcome means it is done
    plain = double.add_member(demo.guild, "plain")
    await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert greeter.id in plain.roles
    pending = double.add_member(demo.guild, "screened", pending=True)
    await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert greeter.id not in pending.roles

    double.pass_screening(demo.guild, pending)
    await eventually(lambda: greeter.id in pending.roles, timeout=TIMEOUT,
                     message="the join role was not given after screening")
    grants = [r for r in double.requests if r.method == "PUT" and "/roles/" in r.path
              and str(pending.id) in r.path]
    assert len(grants) == 1

    reply = await slash(double, demo, boss, "welcome autorole clear")
    assert reply.content == "New members get no role on join."
    late = double.add_member(demo.guild, "late")
    await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert greeter.id not in late.roles


async def test_dangerous_join_role_refused_and_not_given_after_it_became_dangerous(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await slash(double, demo, demo.admin, "welcome set", {"channel": demo.general})
    risky = await role(guildhall_bot, double, demo, "Risky", permissions=P.BAN_MEMBERS)
    manager_role = await role(guildhall_bot, double, demo, "Manager",
                              permissions=P.MANAGE_GUILD | P.MANAGE_ROLES)
    manager = double.add_member(demo.guild, "manager", roles=[manager_role])
    await channel_reply(double, demo.general, timeout=TIMEOUT)  # manager's own welcome
    reply = await slash(double, demo, manager, "welcome autorole set", {"role": risky})
    assert reply.ephemeral and "has dangerous permissions (Ban Members)" in reply.content
    reply = await slash(double, demo, demo.admin, "welcome autorole set", {"role": risky})
    assert reply.ephemeral and reply.content == "You need these permissions: Manage Roles."
    assert (await GuildConfig.get(guild_id=demo.guild.id)).auto_role_id is None
    assert not await SettingsAudit.filter(guild_id=demo.guild.id, setting="auto_role_id")

    member_role = await role(guildhall_bot, double, demo, "Member", position=1)
    reply = await slash(double, demo, manager, "welcome autorole set", {"role": member_role})
    assert reply.content.startswith("New members will get Member")
    double.set_role_permissions(demo.guild, member_role, P.ADMINISTRATOR)
    cached = guildhall_bot.get_guild(demo.guild.id)
    await eventually(lambda: cached.get_role(member_role.id).permissions.administrator,
                     timeout=TIMEOUT, message="the bot never saw the role change")
    joiner = double.add_member(demo.guild, "joiner")
    await channel_reply(double, demo.general, timeout=TIMEOUT)
    assert member_role.id not in joiner.roles


async def test_a_plain_member_is_refused_and_nothing_is_written(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    greeter = await role(guildhall_bot, double, demo, "Greeter")
    attempts = {
        "welcome set": {"channel": demo.general}, "welcome message": {"text": "hi"},
        "welcome dm": {"state": "on"}, "welcome test": {}, "welcome show": {},
        "welcome off": {}, "welcome autorole set": {"role": greeter},
        "welcome autorole clear": {},
    }
    for name, options in attempts.items():
        reply = await slash(double, demo, alice, name, options)
        assert reply.ephemeral and reply.content == (
            "You need these permissions: Manage Server."), (name, reply.content)
    assert not await WelcomeSettings.all()
    config = await GuildConfig.get_or_none(guild_id=demo.guild.id)
    assert config is None or (config.welcome_channel_id, config.auto_role_id) == (None, None)
    assert not await SettingsAudit.filter(guild_id=demo.guild.id)
    reply = await slash(double, demo, demo.admin, "welcome message", {"text": "   "})
    assert reply.ephemeral and "cannot be empty" in reply.content
    assert not await WelcomeSettings.all()
    assert_no_mass_mentions(double, min_checked=len(attempts))


async def test_the_longest_text_is_previewed_and_shown_within_discords_limit(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    text = "_*" * 1000  # 2,000 characters that escaping doubles
    saved = await slash(double, demo, demo.admin, "welcome message", {"text": text})
    assert saved.content.startswith("Welcome text saved.") and len(saved.content) == 2000
    shown = await slash(double, demo, demo.admin, "welcome show")
    assert shown.content.endswith("…") and len(shown.content) == 2000
    assert (await WelcomeSettings.get(guild_id=demo.guild.id)).template == text
