"""Analytics end to end: slash, prefix and custom uses recorded; ``/stats`` answers."""

from __future__ import annotations

from datetime import timedelta

from tortoise import timezone

from core.bot.guildhall_bot import GuildhallBot
from core.maintenance.schedule import start_of_week
from core.testing.bot_fixtures import StartBot, assert_no_mass_mentions, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.analytics.cog import Analytics
from plugins.analytics.models import CommandStat, CommandStatWeekly
from plugins.customcmds import service as customcmds
from tests.e2e.plugins.customcmds_support import TIMEOUT, say, slash


def analytics(bot: GuildhallBot) -> Analytics:
    """The bot's analytics cog."""
    cog = bot.get_cog("Analytics")
    assert isinstance(cog, Analytics)
    return cog


async def _names(guild_id: int) -> list[str]:
    return sorted(await CommandStat.filter(guild_id=guild_id).values_list(
        "command_name", flat=True))


async def test_every_kind_of_use_is_recorded_in_batches(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo, bot = guildhall_double, guildhall_demo, guildhall_bot
    guild, general, alice = demo.guild, demo.general, demo.member
    cog = analytics(bot)
    await customcmds.create(guild.id, "hello", "hi {user}", demo.admin.id)
    await slash(double, guild, general, alice, "ping")
    assert (await say(double, general, alice, "!ping")).content.startswith("Pong")
    assert (await say(double, general, alice, "!hello")).content == "hi alice"
    await slash(double, guild, general, alice, "customcmd info", {"name": "hello"})
    await eventually(lambda: len(cog.recorder) >= 4, timeout=TIMEOUT)
    assert await _names(guild.id) == []  # nothing written yet: recording is in memory
    await bot.flush()
    assert await _names(guild.id) == ["custom:hello", "customcmd info", "ping", "ping"]

    top = await slash(double, guild, general, alice, "stats commands")
    assert top.content.splitlines() == [
        "**Top commands in the last 30 days**",
        "1. `ping`: 2 uses", "2. `custom:hello`: 1 use", "3. `customcmd info`: 1 use",
    ]
    mine = await slash(double, guild, general, alice, "stats me")
    assert mine.ephemeral and mine.content.startswith("You used 5 commands here")
    assert "1. `ping`: 2 uses" in mine.content  # /stats commands itself counted too
    bob = await slash(double, guild, general, demo.members["bob"], "stats me")
    assert bob.ephemeral and bob.content == "You have not used any command here yet."
    for days in (0, -3, 3651):
        bad = await slash(double, guild, general, alice, "stats commands", {"days": days})
        assert bad.ephemeral and "between 1 and 3,650 days" in bad.content
    assert_no_mass_mentions(double)


async def test_a_full_batch_is_written_without_waiting(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    cog = analytics(guildhall_bot)
    cog.recorder.batch_rows = 3
    for _ in range(3):
        await say(double, demo.general, demo.member, "!ping")
    await eventually(lambda: CommandStat.filter(guild_id=demo.guild.id).count(),
                     timeout=TIMEOUT, message="the full batch was not written")
    assert await _names(demo.guild.id) == ["ping", "ping", "ping"]


async def test_long_periods_use_weekly_rollups(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    guild = demo.guild
    now = timezone.now()
    raw_week = start_of_week(now) - timedelta(days=7)
    await CommandStat.create(command_name="ban", guild_id=guild.id, user_id=1,
                             executed_at=raw_week + timedelta(hours=1))
    old = (raw_week - timedelta(days=70)).date()  # raw rows of that week are gone
    await CommandStatWeekly.create(week_start=old, guild_id=guild.id, command_name="ban",
                                   uses=40, unique_users=3)
    await CommandStatWeekly.create(week_start=raw_week.date(), guild_id=guild.id,
                                   command_name="ban", uses=1, unique_users=1)  # not twice
    year = await slash(double, guild, demo.general, demo.member, "stats commands",
                       {"days": 365})
    assert year.content.splitlines()[1] == "1. `ban`: 41 uses"
    month = await slash(double, guild, demo.general, demo.member, "stats commands",
                        {"days": 30})
    assert month.content.splitlines()[1] == "1. `ban`: 1 use"  # the old week is outside
    assert "41" not in month.content
    assert_no_mass_mentions(double)


async def test_stats_bot_is_for_the_owner(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot, guildhall_double: DiscordDouble
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await guildhall_start_bot(owner_ids={demo.admin.id})
    refused = await slash(double, demo.guild, demo.general, demo.member, "stats bot")
    assert refused.ephemeral and refused.content == "Only the bot owner can use this."
    report = await slash(double, demo.guild, demo.general, demo.admin, "stats bot")
    lines = report.content.splitlines()
    assert report.ephemeral and lines[0].startswith("**Uptime** 0h 00m")
    assert lines[0].endswith("**guilds** 2, **shards** 2")
    assert lines[1].startswith("shard 0: ") and lines[2].startswith("shard 1: ")
    assert lines[3].startswith("**Events** ") and "/s)" in lines[3]
    assert any(line.startswith("`GUILD_CREATE`: 2 (") for line in lines[4:])
    assert any(line.startswith("`INTERACTION_CREATE`: ") for line in lines[4:])
    assert_no_mass_mentions(double)
