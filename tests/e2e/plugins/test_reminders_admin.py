"""``/reminders admin list|cancel``: moderators (Manage Messages) see and cancel a member's
reminders set in their guild only; everyone else is refused and nothing changes."""

from __future__ import annotations

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.double import permissions as P
from core.testing.double.state import Member
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder
from tests.e2e.plugins.reminders_support import guildhall_plugins, slash  # noqa: F401

REFUSED = "You need these permissions: Manage Messages."


@pytest.fixture
def moderator(guildhall_double: DiscordDouble, guildhall_demo: DemoWorld) -> Member:
    """A member whose role grants Manage Messages (and nothing else of note)."""
    role = guildhall_double.create_role(
        guildhall_demo.guild, "Helper", permissions=P.DEFAULT_EVERYONE | P.MANAGE_MESSAGES
    )
    return guildhall_double.add_member(guildhall_demo.guild, "helper", roles=[role])


async def seed(double: DiscordDouble, demo: DemoWorld) -> dict[str, Reminder]:
    """Alice: two reminders here, one in the annex; bob: one here."""
    alice, bob = demo.member, demo.members["bob"]
    annex_alice = demo.annex.members[alice.id]
    for member, when, text in ((alice, "1h", "**b** @everyone <@&123456789012345678>"),
                               (alice, "2h", "second"), (bob, "1h", "bobs")):
        await slash(double, demo.guild, demo.general, member, "remind",
                    {"when": when, "text": text})
    await slash(double, demo.annex, demo.annex_general, annex_alice, "remind",
                {"when": "1h", "text": "annex only"})
    return {r.message: r for r in await Reminder.all()}


async def test_moderator_lists_and_cancels_a_members_reminders_in_this_guild_only(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    moderator: Member,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice = demo.member
    rows = await seed(double, demo)
    bold, second = rows["**b** @everyone <@&123456789012345678>"], rows["second"]

    listing = await slash(double, demo.guild, demo.general, moderator, "reminders admin list",
                          {"member": alice})
    lines = listing.content.splitlines()
    assert listing.ephemeral
    assert lines[0] == f"**Reminders of <@{alice.id}> set in this server** (2)"
    stamp = int(bold.remind_at.timestamp())
    assert lines[1].startswith(f"`#{bold.id}` <t:{stamp}:f> in <#{demo.general.id}>: ")
    assert lines[1].endswith(": \\*\\*b\\*\\* @\u200beveryone <@\u200b&123456789012345678>")
    assert f"`#{second.id}`" in lines[2]
    assert "annex only" not in listing.content and "bobs" not in listing.content

    other = await slash(double, demo.guild, demo.general, moderator, "reminders admin cancel",
                        {"member": alice, "id": rows["bobs"].id})
    assert other.ephemeral and "has no active reminder #" in other.content
    annex = await slash(double, demo.guild, demo.general, moderator, "reminders admin cancel",
                        {"member": alice, "id": rows["annex only"].id})
    assert annex.ephemeral and "has no active reminder #" in annex.content
    assert await Reminder.all().count() == 4

    one = await slash(double, demo.guild, demo.general, moderator, "reminders admin cancel",
                      {"member": alice, "id": bold.id})
    assert one.ephemeral and one.content == f"Cancelled 1 reminder of <@{alice.id}>: `#{bold.id}`."
    assert not await Reminder.exists(id=bold.id)

    await slash(double, demo.guild, demo.general, alice, "remind", {"when": "3h", "text": "3rd"})
    third = await Reminder.get(message="3rd")
    every = await slash(double, demo.guild, demo.general, moderator, "reminders admin cancel",
                        {"member": alice})
    assert every.content == (
        f"Cancelled 2 reminders of <@{alice.id}>: `#{second.id}`, `#{third.id}`."
    )
    left = sorted(r.message for r in await Reminder.all())
    assert left == ["annex only", "bobs"]
    empty = await slash(double, demo.guild, demo.general, moderator, "reminders admin list",
                        {"member": alice})
    assert empty.content == f"<@{alice.id}> has no active reminders set in this server."
    assert_no_mass_mentions(double)


async def test_moderator_can_reach_the_reminders_of_a_member_who_left(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    moderator: Member,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    bob = demo.members["bob"]
    rows = await seed(double, demo)
    double.remove_member(demo.guild, bob)
    listing = await slash(double, demo.guild, demo.general, moderator, "reminders admin list",
                          {"member": bob.user})
    assert f"`#{rows['bobs'].id}`" in listing.content
    done = await slash(double, demo.guild, demo.general, moderator, "reminders admin cancel",
                       {"member": bob.user})
    assert done.content == f"Cancelled 1 reminder of <@{bob.id}>: `#{rows['bobs'].id}`."
    assert not await Reminder.exists(user_id=bob.id)


@pytest.mark.parametrize("who", ["bob", "admin", "alice"])
async def test_non_moderators_are_refused_and_nothing_changes(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    who: str,
) -> None:
    """Plain members, the author herself, and Manage Server without Manage Messages."""
    double, demo = guildhall_double, guildhall_demo
    rows = await seed(double, demo)
    invoker = demo.person(who)
    alice = demo.member
    for name, options in (("reminders admin list", {"member": alice}),
                          ("reminders admin cancel", {"member": alice}),
                          ("reminders admin cancel", {"member": alice,
                                                      "id": rows["second"].id})):
        reply = await slash(double, demo.guild, demo.general, invoker, name, options)
        assert reply.ephemeral and reply.content == REFUSED, (name, reply.content)
        assert "second" not in reply.content
    after = {r.message: r for r in await Reminder.all()}
    assert after.keys() == rows.keys()
    assert all(not r.completed for r in after.values())
    assert_no_mass_mentions(double)
