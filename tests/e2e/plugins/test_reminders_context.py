"""Reminders whose context is gone are dropped, not delivered: author left, author banned,
reminders switched off for the guild, bot no longer in the guild. Another member's
reminder due at the same moment is delivered (the sync point: the drop is not just late)."""

from __future__ import annotations

import logging

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.coordination import wakeups
from core.services import plugin_switches
from core.testing.bot_fixtures import assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Ban, Member
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder
from plugins.reminders.service import utcnow
from tests.e2e.plugins.reminders_support import (
    TIMEOUT,
    dm_channel,
    guildhall_plugins,  # noqa: F401
    leading,
    reminder_in,
    slash,
)

DELIVERY_LOGGER = "plugins.reminders.timers"


@pytest.fixture(autouse=True)
def fresh_switches() -> None:
    plugin_switches.clear_cache()


async def set_reminder(double: DiscordDouble, demo: DemoWorld, member: Member,
                       text: str) -> Reminder:
    """``/remind 1h text`` as ``member`` in #general; the stored row."""
    reply = await slash(double, demo.guild, demo.general, member, "remind",
                        {"when": "1h", "text": text})
    assert reply.content.startswith("Reminder `#"), reply.content
    return await Reminder.get(user_id=member.id, message=text)


async def fall_due(*rows: Reminder) -> None:
    """Make ``rows`` due now and wake the leader (as if the hour had passed)."""
    now = utcnow()
    await Reminder.filter(id__in=[r.id for r in rows]).update(remind_at=now)
    await wakeups.notify_created(now)


async def dropped(row: Reminder) -> Reminder:
    """Wait until the scheduler finished ``row`` as dropped; the fresh row."""
    async def finished() -> Reminder | None:
        fresh = await Reminder.get(id=row.id)
        return fresh if fresh.completed and fresh.dropped_reason else None

    return await eventually(finished, timeout=TIMEOUT,
                            message=f"reminder {row.id} was not dropped")


def drop_lines(caplog: pytest.LogCaptureFixture, row: Reminder) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == DELIVERY_LOGGER and f"reminder {row.id} dropped" in r.getMessage()]


async def check_dropped_others_delivered(
    double: DiscordDouble, demo: DemoWorld, caplog: pytest.LogCaptureFixture,
    gone: Reminder, kept: Reminder, reason: str,
) -> None:
    """``gone`` is dropped for ``reason`` (one log line, nothing posted anywhere) while
    ``kept`` (bob, still a member) is delivered in #general."""
    message, _ = await reminder_in(double, demo.general)
    assert message.content.startswith(f"<@{kept.user_id}> reminder: {kept.message}")
    row = await dropped(gone)
    assert row.dropped_reason == reason
    assert row.attempts == 0
    posted = [m.content for m in double.messages_in(demo.general) if "reminder:" in m.content]
    assert posted == [message.content]
    assert double.messages_in(dm_channel(double, demo.member)) == []
    [line] = drop_lines(caplog, gone)
    assert f": {reason} (guild {demo.guild.id}, user {gone.user_id})" in line
    assert_no_mass_mentions(double)


async def test_author_who_left_is_not_reminded_in_the_guild(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.INFO, logger=DELIVERY_LOGGER)
    await leading(guildhall_bot)
    gone = await set_reminder(double, demo, demo.member, "secret plans")
    kept = await set_reminder(double, demo, demo.members["bob"], "still here")
    double.remove_member(demo.guild, demo.member)
    await fall_due(gone, kept)
    await check_dropped_others_delivered(double, demo, caplog, gone, kept, "author_left")


async def test_banned_author_is_not_reminded_in_the_guild(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.INFO, logger=DELIVERY_LOGGER)
    await leading(guildhall_bot)
    gone = await set_reminder(double, demo, demo.member, "raid at nine @everyone")
    kept = await set_reminder(double, demo, demo.members["bob"], "still here")
    demo.guild.bans[demo.member.id] = Ban(demo.member.user, "spam")
    double.remove_member(demo.guild, demo.member)
    await fall_due(gone, kept)
    await check_dropped_others_delivered(double, demo, caplog, gone, kept, "author_banned")


async def test_repeating_reminder_of_a_banned_author_stops(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.INFO, logger=DELIVERY_LOGGER)
    await leading(guildhall_bot)
    await slash(double, demo.guild, demo.general, demo.member, "remind",
                {"when": "1h", "text": "daily spam", "every": "1d"})
    gone = await Reminder.get(user_id=demo.member.id)
    kept = await set_reminder(double, demo, demo.members["bob"], "still here")
    demo.guild.bans[demo.member.id] = Ban(demo.member.user, "spam")
    double.remove_member(demo.guild, demo.member)
    await fall_due(gone, kept)
    await check_dropped_others_delivered(double, demo, caplog, gone, kept, "author_banned")
    assert (await Reminder.get(id=gone.id)).remind_at <= utcnow()  # not moved to tomorrow


async def test_reminders_switched_off_for_the_guild_are_not_delivered_there(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.INFO, logger=DELIVERY_LOGGER)
    await leading(guildhall_bot)
    gone = await set_reminder(double, demo, demo.member, "in the main guild")
    annex_alice = demo.annex.members[demo.member.id]
    reply = await slash(double, demo.annex, demo.annex_general, annex_alice, "remind",
                        {"when": "1h", "text": "in the annex"})
    assert reply.content.startswith("Reminder `#")
    kept = await Reminder.get(message="in the annex")
    off = await slash(double, demo.guild, demo.general, demo.admin, "plugins disable",
                      {"plugin": "reminders"})
    assert off.content == "The **reminders** plugin is now disabled in this server."
    await fall_due(gone, kept)
    message, _ = await reminder_in(double, demo.annex_general)
    assert message.content.startswith(f"<@{demo.member.id}> reminder: in the annex")
    row = await dropped(gone)
    assert row.dropped_reason == "plugin_disabled"
    assert not [m for m in double.messages_in(demo.general) if "reminder:" in m.content]
    assert double.messages_in(dm_channel(double, demo.member)) == []
    assert len(drop_lines(caplog, gone)) == 1
    assert_no_mass_mentions(double)


async def test_member_still_in_the_guild_is_reminded_without_a_member_cache(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    """The leader's member cache knows nothing of the author: the REST fetch decides."""
    double, demo = guildhall_double, guildhall_demo
    await leading(guildhall_bot)
    late = double.add_member(demo.guild, "latecomer")
    row = await set_reminder(double, demo, late, "welcome")
    cached = guildhall_bot.get_guild(demo.guild.id)
    assert cached is not None
    member = cached.get_member(late.id)
    if member is not None:
        cached._remove_member(member)  # forget the author, as a cache-less bot would
    assert cached.get_member(late.id) is None
    await fall_due(row)
    message, _ = await reminder_in(double, demo.general)
    assert message.content.startswith(f"<@{late.id}> reminder: welcome")
    await eventually(lambda: Reminder.filter(id=row.id, completed=True).exists(),
                     timeout=TIMEOUT, message="the reminder was not completed")
    assert (await Reminder.get(id=row.id)).dropped_reason is None


async def test_guild_the_bot_is_no_longer_in_gets_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Removed while the departure went unseen (bot offline, or a purge grace period)."""
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.INFO, logger=DELIVERY_LOGGER)
    await leading(guildhall_bot)
    gone = await set_reminder(double, demo, demo.member, "in the main guild")
    annex_alice = demo.annex.members[demo.member.id]
    await slash(double, demo.annex, demo.annex_general, annex_alice, "remind",
                {"when": "1h", "text": "in the annex"})
    kept = await Reminder.get(message="in the annex")
    demo.guild.members.pop(double.bot_user.id)  # no GUILD_DELETE: nothing purged
    await fall_due(gone, kept)
    message, _ = await reminder_in(double, demo.annex_general)
    assert message.content.startswith(f"<@{demo.member.id}> reminder: in the annex")
    row = await dropped(gone)
    assert row.dropped_reason == "guild_gone"
    assert double.messages_in(dm_channel(double, demo.member)) == []
    assert len(drop_lines(caplog, gone)) == 1


async def test_a_burst_of_one_authors_reminders_costs_one_member_fetch(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await leading(guildhall_bot)
    rows = [await set_reminder(double, demo, demo.member, f"burst {i}") for i in range(3)]
    await fall_due(*rows)
    await eventually(
        lambda: len([m for m in double.messages_in(demo.general) if "reminder: burst" in m.content])
        == 3, timeout=TIMEOUT, message="the burst was not delivered")
    fetches = double.requests.filter("GET", "/guilds/{guild_id}/members/{user_id}")
    assert len(fetches) == 1
