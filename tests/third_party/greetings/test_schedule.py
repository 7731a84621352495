"""Scheduled greetings: delivered by the leader's scheduler, limited, then retained 7 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.maintenance.engine import MaintenanceEngine
from core.runtime.assembly import Runtime
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.third_party.greetings.conftest import TIMEOUT, leading, slash


def posted_greetings(double: DiscordDouble, demo: DemoWorld) -> list[str]:
    """What the bot posted in #general outside interaction answers."""
    return [m.content for m in double.messages_in(demo.general) if m.interaction is None]


async def test_a_scheduled_greeting_is_posted_by_the_leader_and_marked_sent(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    from guildhall_greetings.models import ScheduledGreeting

    double, demo = guildhall_double, guildhall_demo
    await leading(guildhall_bot)
    reply = await slash(double, demo.guild, demo.general, demo.admin, "greet schedule",
                        {"delay": "1s", "text": "Party at 8 @everyone <@&1>!"})
    assert reply.ephemeral and reply.content.startswith("Greeting `#"), reply.content
    [row] = await ScheduledGreeting.all()
    assert not row.sent and row.user_id == demo.admin.id
    message = await double.wait_for_message(
        demo.general, check=lambda m: m.interaction is None, timeout=TIMEOUT)
    assert message.content == f"Party at 8 @everyone <@&1>!\n-# Scheduled by <@{demo.admin.id}>"
    assert message.allowed_mentions == {"parse": []}  # nobody is pinged
    lateness = (datetime.fromisoformat(message.timestamp) - row.send_at).total_seconds()
    print(f"scheduled greeting lateness: {lateness * 1000:.0f} ms")
    assert 0 <= lateness < 2.0  # the leader is woken by the new row, not by a poll
    await eventually(lambda: ScheduledGreeting.exists(id=row.id, sent=True),
                     timeout=TIMEOUT, message="the greeting was not marked sent")
    assert len(posted_greetings(double, demo)) == 1
    assert_no_mass_mentions(double, min_checked=2)


async def test_a_greeting_due_while_no_bot_ran_is_posted_on_start_unless_its_channel_is_gone(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    from guildhall_greetings.models import ScheduledGreeting

    double, demo = guildhall_double, guildhall_demo
    past = datetime.now(UTC) - timedelta(minutes=5)
    kept = await ScheduledGreeting.create(guild_id=demo.guild.id, channel_id=demo.general.id,
                                          user_id=demo.admin.id, text="late", send_at=past)
    gone = await ScheduledGreeting.create(guild_id=demo.guild.id, channel_id=123456789,
                                          user_id=demo.admin.id, text="lost", send_at=past)
    await guildhall_start_bot()
    message = await double.wait_for_message(
        demo.general, check=lambda m: m.interaction is None, timeout=TIMEOUT)
    assert message.content.startswith("late\n")
    for row in (kept, gone):  # a missing channel makes the greeting moot, not retried
        await eventually(lambda r=row: ScheduledGreeting.exists(id=r.id, sent=True),
                         timeout=TIMEOUT, message=f"greeting {row.text!r} not finished")
    assert (await ScheduledGreeting.get(id=gone.id)).attempts == 0


async def test_pending_greetings_per_guild_are_limited(guildhall_db: Runtime) -> None:
    from guildhall_greetings import service
    from guildhall_greetings.settings import GreetingsSettings

    settings = GreetingsSettings(max_pending_per_guild=2)
    for text in ("one", "two"):
        await service.schedule(1, 10, 100, "1h", text, settings)
    with pytest.raises(service.GreetingError, match="has 2 greetings waiting; the limit is 2"):
        await service.schedule(1, 10, 100, "1h", "three", settings)
    await service.schedule(2, 20, 100, "1h", "other guild", settings)  # per guild


async def test_sent_greetings_are_deleted_after_the_retention_period(
    guildhall_db: Runtime,
) -> None:
    from guildhall_greetings.models import ScheduledGreeting

    now = datetime(2026, 3, 1, 4, 0, 30, tzinfo=UTC)
    cutoff = now - timedelta(days=7)
    for offset, sent in ((-1, True), (1, True), (-1, False)):
        await ScheduledGreeting.create(guild_id=1, channel_id=2, user_id=3, text=f"{offset}",
                                       send_at=cutoff + timedelta(seconds=offset), sent=sent)
    engine = MaintenanceEngine(guildhall_db.settings, guildhall_db.plugins)
    [report] = await engine.run_jobs(["greetings.sent.delete"], now=now)
    assert report.ok and report.rows == 1
    left = await ScheduledGreeting.all().order_by("id").values_list("text", "sent")
    assert left == [("1", True), ("-1", False)]  # newer sent rows and pending rows stay
