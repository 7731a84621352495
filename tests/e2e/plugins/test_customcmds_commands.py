"""``/customcmd`` end to end: create, run, edit, info, list, delete; denials, bad input."""

from __future__ import annotations

import asyncio

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.customcmds import service
from plugins.customcmds.models import CustomCommand
from plugins.customcmds.render import ZWSP
from tests.e2e.plugins.customcmds_support import customcmds, say, slash

HOSTILE = (
    "Hi {user.mention} ({user.name}, {user.id}) in {server} ({server.members}) at {channel}: "
    "{args}|{arg2}|{arg9}|{uses} {user.__class__} {0} @everyone <@&{arg1}> {nope"
)


async def test_create_run_edit_info_delete(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, guildhall_bot
    cog = customcmds(bot)
    alice, general = demo.member, demo.general
    reply = await slash(double, demo.guild, general, demo.admin, "customcmd create",
                        {"name": "Hello", "response": HOSTILE})
    assert reply.content == "Created custom command `hello`." and not reply.ephemeral

    role = demo.admin_role.id
    answer = await say(double, general, alice, f"!HELLO {role} @here")
    assert answer.content == (
        f"Hi <@{alice.id}> (alice, {alice.id}) in Guildhall Demo "
        f"({len(demo.guild.members)}) at <#{general.id}>: {role} @{ZWSP}here|@{ZWSP}here||1 "
        f"{{user.__class__}} {{0}} @{ZWSP}everyone @{ZWSP}role {{nope"
    )
    assert answer.allowed_mentions is not None
    assert [int(u) for u in answer.allowed_mentions.get("users", [])] == [alice.id]
    assert not answer.allowed_mentions.get("parse") and not answer.allowed_mentions.get("roles")

    await slash(double, demo.guild, general, demo.admin, "customcmd edit",
                {"name": "hello", "response": "Uses: {uses} {random:x|x}"})
    assert (await say(double, general, alice, "!hello")).content == "Uses: 2 x"
    info = await slash(double, demo.guild, general, alice, "customcmd info", {"name": "HELLO"})
    assert info.content.startswith(f"`hello`: created by <@{demo.admin.id}> <t:")
    assert info.content.endswith("used 2 times.")
    stored = await service.get(demo.guild.id, "hello")
    assert stored is not None and stored.uses == 0  # counted in memory until the flush
    await cog.flush()
    await stored.refresh_from_db()
    assert stored.uses == 2

    gone = await slash(double, demo.guild, general, demo.admin, "customcmd delete",
                       {"name": "hello"})
    assert gone.content == "Deleted `hello`."
    await double.send_message(general, alice, "!hello")
    assert (await say(double, general, alice, "!ping")).content.startswith("Pong")
    await asyncio.sleep(0.5)
    assert len([m for m in double.messages_in(general) if m.content.startswith("Uses")]) == 1
    assert_no_mass_mentions(double, min_checked=6)


async def test_denials_and_bad_input_change_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, guildhall_bot
    guild, general, admin, alice = demo.guild, demo.general, demo.admin, demo.member
    denied = await slash(double, guild, general, alice, "customcmd create",
                         {"name": "x", "response": "y"})
    assert denied.ephemeral and "Manage Server permission or the Custom Commands role" in (
        denied.content)
    for name in ("edit", "delete"):
        refused = await slash(double, guild, general, alice, f"customcmd {name}",
                              {"name": "x", "response": "y"} if name == "edit" else {"name": "x"})
        assert refused.ephemeral and "Manage Server" in refused.content
    bad = {
        "two words": "1-32 characters", "x" * 33: "1-32 characters", "ping": "built-in",
        "customcmd": "built-in", "prefix": "built-in", "{user}": "1-32 characters",
    }
    for name, reason in bad.items():
        reply = await slash(double, guild, general, admin, "customcmd create",
                            {"name": name, "response": "y"})
        assert reply.ephemeral and reason in reply.content, (name, reply.content)
    long = await slash(double, guild, general, admin, "customcmd create",
                       {"name": "long", "response": "x" * 2001})
    assert long.ephemeral and "at most 2,000 characters" in long.content
    await slash(double, guild, general, admin, "customcmd create",
                {"name": "dup", "response": "one"})
    again = await slash(double, guild, general, admin, "customcmd create",
                        {"name": "DUP", "response": "two"})
    assert again.ephemeral and "`dup` already exists here" in again.content
    for sub in ("edit", "delete", "info"):
        options = {"name": "missing", "response": "z"} if sub == "edit" else {"name": "missing"}
        reply = await slash(double, guild, general, admin, f"customcmd {sub}", options)
        assert reply.ephemeral and "there is no custom command `missing`" in reply.content
    rows = await CustomCommand.filter(guild_id=guild.id).values_list("command_name", "response")
    assert rows == [("dup", "one")]

    # the configured role may manage; the per-guild limit holds
    role = double.create_role(guild, "custom commands")
    staff = await double.member_join(guild, "staff", roles=[role])
    await asyncio.sleep(0.2)
    cog = customcmds(bot)
    cog.settings = cog.settings.model_copy(update={"max_per_guild": 2})
    ok = await slash(double, guild, general, staff, "customcmd create",
                     {"name": "mine", "response": "by staff"})
    assert ok.content == "Created custom command `mine`."
    full = await slash(double, guild, general, staff, "customcmd create",
                       {"name": "third", "response": "no"})
    assert full.ephemeral and "already has 2 custom commands" in full.content
    assert await CustomCommand.filter(guild_id=guild.id).count() == 2
    assert_no_mass_mentions(double)


async def test_list_pages_and_prefix(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    guild, general, alice = demo.guild, demo.general, demo.member
    empty = await slash(double, guild, general, alice, "customcmd list")
    assert empty.content == "This server has no custom commands yet."
    for i in range(25):
        await service.create(guild.id, f"c{i:02d}", f"reply {i}", demo.admin.id)
    first = await slash(double, guild, general, alice, "customcmd list")
    assert first.content.startswith("**Custom commands** (page 1 of 2): `c00`, `c01`")
    assert first.content.endswith("`c19`")
    second = await slash(double, guild, general, alice, "customcmd list", {"page": 2})
    assert second.content == (
        "**Custom commands** (page 2 of 2): `c20`, `c21`, `c22`, `c23`, `c24`")
    far = await slash(double, guild, general, alice, "customcmd list", {"page": 3})
    assert far.ephemeral and "there is no page 3 (there are 2)" in far.content
    zero = await slash(double, guild, general, alice, "customcmd list", {"page": 0})
    assert zero.ephemeral and "starts at 1" in zero.content

    await slash(double, guild, general, demo.admin, "prefix set", {"prefix": "?"})
    assert (await say(double, general, alice, "?c07 extra")).content == "reply 7"
    assert (await say(double, general, alice, "?c08")).content == "reply 8"
    annex = demo.annex_general  # custom commands belong to their guild
    await double.send_message(annex, alice, "!c07")
    assert (await say(double, annex, alice, "!ping")).content.startswith("Pong")
    await asyncio.sleep(0.5)
    assert [m.content for m in double.messages_in(annex) if m.author.id != alice.id][1:] == []
    assert_no_mass_mentions(double)
