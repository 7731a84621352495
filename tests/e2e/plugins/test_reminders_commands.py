"""``/remind`` checks and limits, ``/reminders list|cancel``, ``/timezone set|show``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import assert_no_mass_mentions
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder, UserTimezone
from plugins.reminders.service import utcnow
from tests.e2e.plugins.reminders_support import guildhall_plugins, slash  # noqa: F401


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"when": "soonish", "text": "x"}, "could not read that time"),
        ({"when": "2020-01-01 09:00", "text": "x"}, "that time is in the past (your time zone"),
        ({"when": "0m", "text": "x"}, "that time is in the past"),
        ({"when": "300w", "text": "x"}, "at most 5 years ahead"),
        ({"when": "2026-02-30 09:00", "text": "x"}, "that date does not exist"),
        ({"when": "10m", "text": "y" * 1501}, "the reminder text is 1,501 characters"),
        ({"when": "10m", "text": "   "}, "the reminder text is empty"),
        ({"when": "10m", "text": "x", "every": "30m"}, "repeats at most every 1h"),
        ({"when": "10m", "text": "x", "every": "fortnightly"}, "a repeat is like every 1d"),
    ],
)
async def test_bad_reminders_are_refused_ephemerally_and_store_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    options: dict, error: str,
) -> None:
    demo = guildhall_demo
    reply = await slash(guildhall_double, demo.guild, demo.general, demo.member, "remind",
                        options)
    assert reply.ephemeral and error in reply.content, reply.content
    assert await Reminder.all().count() == 0
    assert_no_mass_mentions(guildhall_double)


async def test_the_active_reminder_limit_per_user(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    later = utcnow() + timedelta(days=1)
    for i in range(24):
        await Reminder.create(user_id=demo.member.id, channel_id=demo.general.id,
                              message=f"r{i}", remind_at=later)
    await Reminder.create(user_id=demo.member.id, channel_id=demo.general.id, message="old",
                          remind_at=later, completed=True)  # delivered: does not count
    reply = await slash(double, demo.guild, demo.general, demo.member, "remind",
                        {"when": "1h", "text": "the 25th"})
    assert reply.content.startswith("Reminder `#")
    reply = await slash(double, demo.guild, demo.general, demo.member, "remind",
                        {"when": "1h", "text": "the 26th"})
    assert reply.ephemeral and "you have 25 active reminders; the limit is 25" in reply.content
    assert await Reminder.filter(message="the 26th").count() == 0
    other = await slash(double, demo.guild, demo.general, demo.members["bob"], "remind",
                        {"when": "1h", "text": "bob's own"})
    assert other.content.startswith("Reminder `#")
    assert_no_mass_mentions(double)


async def test_list_shows_only_your_active_reminders_and_cancel_only_yours(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    alice, bob = demo.member, demo.members["bob"]
    empty = await slash(double, demo.guild, demo.general, alice, "reminders list")
    assert empty.ephemeral and "You have no active reminders" in empty.content
    await slash(double, demo.guild, demo.general, alice, "remind",
                {"when": "in 2 hours", "text": "**bold** @everyone"})
    await slash(double, demo.guild, demo.general, alice, "remind",
                {"when": "1h30m", "text": "first", "every": "1d"})
    await slash(double, demo.guild, demo.general, bob, "remind", {"when": "1h", "text": "bobs"})
    first, bold = await Reminder.filter(user_id=alice.id).order_by("remind_at")
    bobs = await Reminder.get(user_id=bob.id)

    listing = await slash(double, demo.guild, demo.general, alice, "reminders list")
    lines = listing.content.splitlines()
    assert listing.ephemeral and lines[0].startswith("**Your reminders** (2;")
    stamp = int(first.remind_at.timestamp())
    assert lines[1] == f"`#{first.id}` <t:{stamp}:f> (every 1d): first"
    assert lines[2].endswith(r": \*\*bold\*\* @everyone") and "bobs" not in listing.content

    refused = await slash(double, demo.guild, demo.general, alice, "reminders cancel",
                          {"id": bobs.id})
    assert refused.ephemeral and f"you have no active reminder #{bobs.id}" in refused.content
    assert await Reminder.exists(id=bobs.id)
    unknown = await slash(double, demo.guild, demo.general, alice, "reminders cancel",
                          {"id": 999_999})
    assert "you have no active reminder #999999" in unknown.content

    done = await slash(double, demo.guild, demo.general, alice, "reminders cancel",
                       {"id": first.id})
    assert done.ephemeral and done.content == f"Cancelled reminder `#{first.id}`: first"
    assert not await Reminder.exists(id=first.id)
    listing = await slash(double, demo.guild, demo.general, alice, "reminders list")
    assert "(1;" in listing.content and f"#{bold.id}" in listing.content
    assert_no_mass_mentions(double)


async def test_timezone_set_changes_how_absolute_times_are_read(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, alice = guildhall_double, guildhall_demo, guildhall_demo.member
    shown = await slash(double, demo.guild, demo.general, alice, "timezone show")
    assert shown.ephemeral and shown.content == "Your time zone is UTC."
    for bad in ("Mars/Olympus_Mons", "../../etc/passwd", "Europe/"):
        reply = await slash(double, demo.guild, demo.general, alice, "timezone set",
                            {"name": bad})
        assert reply.ephemeral and "unknown time zone" in reply.content, bad
    assert await UserTimezone.all().count() == 0

    reply = await slash(double, demo.guild, demo.general, alice, "timezone set",
                        {"name": "Europe/Paris"})
    assert reply.ephemeral and "Your time zone is now Europe/Paris" in reply.content
    await slash(double, demo.guild, demo.general, alice, "remind",
                {"when": "tomorrow 9am", "text": "croissant"})
    row = await Reminder.get(user_id=alice.id)
    paris = ZoneInfo("Europe/Paris")
    tomorrow = datetime.now(paris).date() + timedelta(days=1)
    expected = datetime.combine(tomorrow, datetime.min.time(), paris).replace(hour=9)
    assert row.remind_at == expected.astimezone(UTC)
    assert row.guild_id == demo.guild.id and row.channel_id == demo.general.id
    shown = await slash(double, demo.guild, demo.general, alice, "timezone show")
    assert shown.content == "Your time zone is Europe/Paris."
    assert_no_mass_mentions(double)
