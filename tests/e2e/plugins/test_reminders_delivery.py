"""Delivery by the leader: on time, late after downtime, DM fallback, repeats, two workers."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.double import permissions as P
from core.testing.double.payloads import channel_json
from core.testing.double.state import Channel, Message
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


def sent_at(message: Message) -> datetime:
    """When the double created the message."""
    return datetime.fromisoformat(message.timestamp)


async def only_reminder(user_id: int) -> Reminder:
    [row] = await Reminder.filter(user_id=user_id)
    return row


def delete_channel(double: DiscordDouble, channel: Channel) -> None:
    """Delete a guild channel in the double (and tell the bot)."""
    guild = double.world.guild(channel.guild_id or 0)
    guild.channels.pop(channel.id)
    double.world.channels.pop(channel.id)
    double.gateway.dispatch("CHANNEL_DELETE", channel_json(channel), guild.id)


async def test_reminder_in_3s_is_delivered_by_the_leader_within_1s(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await leading(guildhall_bot)
    reply = await slash(double, demo.guild, demo.general, demo.member, "remind",
                        {"when": "3s", "text": "tea @everyone <@&1>"})
    assert reply.content.startswith("Reminder `#") and not reply.ephemeral
    row = await only_reminder(demo.member.id)
    message, _ = await reminder_in(double, demo.general)
    lateness = (sent_at(message) - row.remind_at).total_seconds()
    print(f"reminder lateness: {lateness * 1000:.0f} ms")
    assert 0 <= lateness < 1.0
    assert message.content.startswith(f"<@{demo.member.id}> reminder: tea @everyone <@&1>")
    assert "late" not in message.content
    assert message.allowed_mentions == {"parse": [], "users": [demo.member.id]}
    assert reply.message is not None
    link = f"/channels/{demo.guild.id}/{demo.general.id}/{reply.message.id}"
    assert f"Set here: https://discord.com{link}" in message.content
    await eventually(lambda: Reminder.filter(id=row.id, completed=True).exists(),
                     timeout=TIMEOUT, message="the reminder was not completed")
    assert len([m for m in double.messages_in(demo.general) if "reminder:" in m.content]) == 1
    assert_no_mass_mentions(double, min_checked=2)


async def test_a_reminder_due_during_downtime_is_delivered_late_and_says_so(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    demo = guildhall_demo
    await Reminder.create(user_id=demo.member.id, channel_id=demo.general.id,
                          guild_id=demo.guild.id, message="stretch",
                          remind_at=utcnow() - timedelta(minutes=5, seconds=3))
    await guildhall_start_bot()
    message, _ = await reminder_in(guildhall_double, demo.general)
    assert "reminder: stretch" in message.content
    assert "(delivered 5m late: the bot was unavailable)" in message.content
    assert "Set here" not in message.content  # a seed-style row without a link
    assert_no_mass_mentions(guildhall_double)


async def test_deleted_or_forbidden_channel_falls_back_to_a_dm(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    doomed = double.create_channel(demo.guild, "doomed")
    closed = double.create_channel(demo.guild, "closed")
    for channel, text in ((doomed, "gone"), (closed, "shut")):
        await slash(double, demo.guild, channel, demo.member, "remind",
                    {"when": "2s", "text": text})
    delete_channel(double, doomed)
    double.set_overwrite(closed, double.bot_member(demo.guild), deny=P.SEND_MESSAGES)
    dm = dm_channel(double, demo.member)
    first, _ = await reminder_in(double, dm)
    second, _ = await reminder_in(double, dm)
    assert sorted(m.content.split("\n")[0] for m in (first, second)) == [
        f"<@{demo.member.id}> reminder: gone", f"<@{demo.member.id}> reminder: shut",
    ]
    await eventually(
        lambda: Reminder.filter(user_id=demo.member.id, completed=True).count(),
        timeout=TIMEOUT, message="reminders not completed",
    )
    assert not [m for m in double.messages_in(closed) if "reminder:" in m.content]
    assert_no_mass_mentions(double)


async def test_unreachable_user_is_dropped_not_retried_forever(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    doomed = double.create_channel(demo.guild, "doomed")
    await slash(double, demo.guild, doomed, demo.member, "remind", {"when": "1s", "text": "x"})
    delete_channel(double, doomed)
    demo.member.user.accepts_dms = False
    row = await only_reminder(demo.member.id)
    await eventually(lambda: Reminder.filter(id=row.id, completed=True).exists(),
                     timeout=TIMEOUT, message="the moot reminder was not finished")
    assert (await Reminder.get(id=row.id)).attempts == 0
    assert double.messages_in(dm_channel(double, demo.member)) == []


async def test_repeating_reminder_moves_to_its_next_occurrence(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    reply = await slash(double, demo.guild, demo.general, demo.member, "remind",
                        {"when": "2s", "text": "water", "every": "every 1h"})
    assert ", then every 1h." in reply.content
    row = await only_reminder(demo.member.id)
    message, _ = await reminder_in(double, demo.general)
    assert f"Repeats every 1h (#{row.id})." in message.content

    async def moved() -> bool:
        fresh = await Reminder.get(id=row.id)
        return fresh.remind_at == row.remind_at + timedelta(hours=1) and not fresh.completed

    await eventually(moved, timeout=TIMEOUT, message="the repeat was not rescheduled")
    assert_no_mass_mentions(double)


async def test_reminder_set_on_a_worker_is_delivered_by_the_leader_worker(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    """Worker B (shard 1 only) leads; worker A (shard 0, the demo guild) takes the command."""
    double, demo = guildhall_double, guildhall_demo
    worker_b = await leading(await guildhall_start_bot(shard_ids=[1], shard_count=2))
    worker_a = await guildhall_start_bot(shard_ids=[0], shard_count=2)
    assert worker_a.get_guild(demo.guild.id) is not None
    assert worker_b.get_guild(demo.guild.id) is None
    reply = await slash(double, demo.guild, demo.general, demo.member, "remind",
                        {"when": "3s", "text": "handover"})
    assert reply.content.startswith("Reminder")
    assert worker_a.leader is not None and not worker_a.leader.is_leader
    row = await only_reminder(demo.member.id)
    message, _ = await reminder_in(double, demo.general)
    lateness = (sent_at(message) - row.remind_at).total_seconds()
    print(f"cross-worker reminder lateness: {lateness * 1000:.0f} ms")
    assert 0 <= lateness < 1.0
    assert worker_b.leader is not None and worker_b.leader.is_leader
    assert "reminder: handover" in message.content
    assert_no_mass_mentions(double)


async def test_a_reminder_survives_a_restart_of_the_only_worker(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    double, demo = guildhall_double, guildhall_demo
    first = await leading(await guildhall_start_bot())
    await slash(double, demo.guild, demo.general, demo.member, "remind",
                {"when": "4s", "text": "after the restart"})
    await first.close()  # releases the lease; the row stays in the database
    assert not await Reminder.filter(completed=True).exists()
    await leading(await guildhall_start_bot())
    message, _ = await reminder_in(double, demo.general)
    assert "reminder: after the restart" in message.content
    await eventually(lambda: Reminder.filter(completed=True).exists(), timeout=TIMEOUT,
                     message="the reminder was not completed")
    assert len([m for m in double.messages_in(demo.general) if "reminder:" in m.content]) == 1
    assert_no_mass_mentions(double)
