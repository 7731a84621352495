"""SQLite out of space, or read-only: a clear answer, no corruption, recovery afterwards.

Disk full: ``PRAGMA max_page_count`` caps the database at its size and the reminders
table is filled until a write fails with SQLITE_FULL - what a full disk gives. Read-only:
``PRAGMA query_only`` makes every write fail with SQLITE_READONLY, as a read-only file
does (tests run as root, for whom ``chmod`` changes nothing). Both act on the connection
the bot itself uses. Meanwhile members use commands (they are told what happened, and
nothing is half-written) and earn XP (the failed flush keeps it). While read-only, the
bot is also invited to a guild it never saw: with no settings row (and none can be
created) it still answers ``!ping`` with the default prefix and its members earn XP.
Once writes are possible again, commands work at once, the kept XP is written, and
``PRAGMA integrity_check`` says ``ok`` throughout.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from tortoise.exceptions import OperationalError

from core.bot.guildhall_bot import GuildhallBot
from core.db.errors import FULL, READ_ONLY
from core.db.models import GuildConfig, GuildMember
from core.testing.bot_fixtures import StartBot, channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Member
from core.testing.sandbox.world import DemoWorld
from plugins.leveling.models import LevelSettings
from plugins.reminders.models import Reminder
from tests.helpers import fetch
from tests.reliability.outages import Probes, probe

pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)]
TEXT = "x" * 1400  # two rows fill a 4 KiB page
XP = 10


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """Commands that write (reminders) and buffered writes (leveling)."""
    return ["reminders", "leveling"]


async def integrity() -> str:
    """``PRAGMA integrity_check`` of the bot's database."""
    return (await fetch("PRAGMA integrity_check"))[0][0]


async def fill_up(user_id: int, channel_id: int) -> int:
    """Cap the file at its size plus two pages and fill it with reminders the size of the
    probe's; the rows inserted."""
    pages = (await fetch("PRAGMA page_count"))[0][0]
    await fetch(f"PRAGMA max_page_count = {pages + 2}")
    rows = 0

    async def until_full(insert: Any) -> None:
        nonlocal rows
        while True:
            try:
                await insert(rows)
            except OperationalError as exc:
                assert "full" in str(exc)
                return
            rows += 1
            assert rows < 100_000, "max_page_count did not cap the database"

    await until_full(lambda _: Reminder.create(
        user_id=user_id, channel_id=channel_id, message=TEXT,
        remind_at="2099-01-01T00:00:00+00:00"))
    return rows


async def earn(double: DiscordDouble, demo: DemoWorld, messages: int) -> None:
    """``messages`` messages from alice, each worth XP (cooldown 0)."""
    for i in range(messages):
        await double.send_message(demo.general, demo.member, f"talk {i}")


async def xp_of(member_id: int, guild_id: int) -> int:
    """Alice's stored XP (0 when no row)."""
    row = await GuildMember.get_or_none(user_id=member_id, guild_id=guild_id)
    return row.xp if row else 0


async def newcomer_while_read_only(double: DiscordDouble, bot: GuildhallBot) -> tuple[Member, int]:
    """Invite the bot to a new guild, ``!ping`` and talk there; (the talker, XP buffered)."""
    guild = double.create_guild("Newcomers", shard=0, with_bot=False)
    member = double.add_member(guild, "newcomer")
    await double.add_bot_to_guild(guild)
    await eventually(lambda: bot.get_guild(guild.id) is not None, timeout=10)
    assert await GuildConfig.filter(guild_id=guild.id).count() == 0  # none could be made
    channel = guild.text_channels[0]
    await double.send_message(channel, member, "!ping")
    assert (await channel_reply(double, channel, timeout=10)).content.startswith("Pong!")
    buffered = bot.get_cog("Leveling").buffer.pending  # type: ignore[union-attr]
    await double.send_message(channel, member, "hello")
    xp = await eventually(lambda: buffered(member.id, guild.id), timeout=10,
                          message="the newcomer earned XP")
    return member, xp


@pytest.mark.parametrize("fault", ["full", "read-only"])
async def test_writes_fail_clearly_and_recover(
    guildhall_db, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    guildhall_start_bot: StartBot, fault: str,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    await LevelSettings.create(guild_id=demo.guild.id, xp_min=XP, xp_max=XP, cooldown_seconds=0)
    bot = await guildhall_start_bot()
    await earn(double, demo, 1)  # an active guild: its settings are stored and cached
    await eventually(lambda: bot.get_cog("Leveling").buffer.pending(  # type: ignore[union-attr]
        demo.member.id, demo.guild.id), timeout=10, message="the warm-up message earned XP")
    await bot.flush()
    assert await xp_of(demo.member.id, demo.guild.id) == XP
    if fault == "full":
        filled = await fill_up(demo.member.id, demo.general.id)
        expected, undo = FULL, "PRAGMA max_page_count = 1073741823"
    else:
        filled = 0
        await fetch("PRAGMA query_only = ON")
        expected, undo = READ_ONLY, "PRAGMA query_only = OFF"
        newcomer, newcomer_xp = await newcomer_while_read_only(double, bot)
    rows = await Reminder.all().count()
    during = Probes()
    remind = {"when": "1h", "text": TEXT}
    texts = [await probe(double, demo, during, "remind", remind) for _ in range(3)]
    await earn(double, demo, 5)
    assert [t for t in texts if t != expected] == []
    assert during.try_again == 3
    await bot.flush()  # fails (logged, the awards stay buffered) unless a page has room
    xp_during = await xp_of(demo.member.id, demo.guild.id) - XP
    if fault == "read-only":
        assert xp_during == 0  # not written, but kept
    else:
        assert xp_during in (0, 5 * XP)  # in-place updates may still fit: all or nothing
    assert await Reminder.all().count() == rows  # nothing half-written
    checked_during = await integrity()

    await fetch(undo)
    restored = time.monotonic()
    after = Probes()
    answer = await probe(double, demo, after, "remind", remind)
    recovery = time.monotonic() - restored
    await bot.flush()
    stored = await xp_of(demo.member.id, demo.guild.id) - XP
    print(f"\nSQLite {fault}: {filled} rows filled it; {len(texts)} commands answered "
          f"{expected!r}; XP stored during the fault {xp_during}, after recovery {stored} "
          f"of {5 * XP}; integrity during {checked_during!r}, after {await integrity()!r}; "
          f"first command after recovery answered in {recovery:.2f} s")
    assert answer.startswith("Reminder `#") and after.ok == 1
    assert await Reminder.all().count() == rows + 1
    assert stored == 5 * XP
    if fault == "read-only":  # the never-seen guild's XP, kept through the fault
        assert await xp_of(newcomer.id, newcomer.guild_id) == newcomer_xp
    assert checked_during == "ok" and await integrity() == "ok"
