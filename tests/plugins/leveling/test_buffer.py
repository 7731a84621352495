"""The XP buffer: cooldowns in memory, exact totals after flushes, flushes racing awards."""

from __future__ import annotations

import asyncio
import random

import pytest

from core.db.models import GuildMember, User
from core.services import xp
from plugins.leveling import buffer as buffer_module
from plugins.leveling.buffer import XpBuffer
from tests.bench.common import StatementCounter
from tests.helpers import execute, refuse_writes


def test_cooldown_per_member_and_guild() -> None:
    buffer = XpBuffer()
    assert buffer.try_start_cooldown(1, 10, 60, now=100.0)
    assert not buffer.try_start_cooldown(1, 10, 60, now=159.9)
    assert buffer.try_start_cooldown(1, 11, 60, now=120.0)  # another guild
    assert buffer.try_start_cooldown(2, 10, 60, now=120.0)  # another member
    assert buffer.try_start_cooldown(1, 10, 60, now=160.0)
    assert buffer.try_start_cooldown(1, 10, 5, now=165.0)  # a lowered cooldown applies at once
    assert not buffer.try_start_cooldown(1, 10, 60, now=169.0)


def test_cooling_down_looks_without_starting_a_cooldown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The message handler's first look: the same rule as ``try_start_cooldown`` (the
    shorter of the cooldown then and now counts, over exactly that many seconds), on a
    clock that stands still at 1000 s."""
    monkeypatch.setattr(buffer_module.time, "monotonic", lambda: 1000.0)
    buffer = XpBuffer()
    assert not buffer.cooling_down(1, 10, 60)  # never awarded
    assert buffer.try_start_cooldown(1, 10, 60, now=970.0)  # 30 s ago
    assert buffer.cooling_down(1, 10, 60)
    assert not buffer.cooling_down(1, 10, 20)  # a lowered cooldown applies at once
    assert not buffer.cooling_down(1, 11, 60) and not buffer.cooling_down(2, 10, 60)
    assert buffer.try_start_cooldown(2, 10, 60, now=940.0)  # exactly 60 s ago: over
    assert not buffer.cooling_down(2, 10, 60)
    assert buffer.try_start_cooldown(3, 10, 1e9, now=1000.0 - 1e9 - 10)  # over 10 s ago
    assert not buffer.cooling_down(3, 10, 2e9)  # the cooldown it started with counts
    assert not buffer.cooling_down(4, 10, 60)
    assert buffer.try_start_cooldown(4, 10, 60)  # looking started nothing


def test_negative_award_refused() -> None:
    buffer = XpBuffer()
    with pytest.raises(ValueError):
        buffer.add(1, 10, -5)
    assert len(buffer) == 0


async def test_flush_totals_equal_awards(guildhall_db) -> None:
    buffer = XpBuffer()
    rng = random.Random(7)
    expected: dict[tuple[int, int], int] = {}
    for _ in range(5):
        for _ in range(300):
            user, guild, amount = rng.randint(1, 40), rng.randint(1, 3), rng.randint(15, 25)
            buffer.add(user, guild, amount, f"user{user}", channel_id=5)
            expected[(user, guild)] = expected.get((user, guild), 0) + amount
        await buffer.flush()
    assert len(buffer) == 0
    stored = {(m.user_id, m.guild_id): (m.xp, m.level) for m in await GuildMember.all()}
    assert {k: v[0] for k, v in stored.items()} == expected
    assert all(level == xp.level_for_xp(total) for total, level in stored.values())
    for user in await User.all():
        total = sum(v for (u, _), v in expected.items() if u == user.user_id)
        assert (user.global_xp, user.global_level) == (total, xp.level_for_xp(total))


async def test_flush_reports_exact_level_ups(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 150, "ann", channel_id=77)
    assert await buffer.flush() == []
    buffer.add(1, 10, 5, "ann", channel_id=78)
    ups = await buffer.flush()
    assert len(ups) == 1
    assert (ups[0].change.old_level, ups[0].change.new_level, ups[0].channel_id) == (1, 2, 78)
    assert await buffer.flush() == []


async def test_awards_during_flushes_are_all_written(guildhall_db) -> None:
    buffer = XpBuffer()
    awarded = 0
    stop = asyncio.Event()

    async def talk() -> None:
        nonlocal awarded
        n = 0
        while not stop.is_set():
            n += 1
            buffer.add(n % 50, 1, 3, "x")
            awarded += 3
            await asyncio.sleep(0)

    async def flush_often() -> None:
        for _ in range(15):
            await buffer.flush()
            await asyncio.sleep(0.01)

    talker = asyncio.create_task(talk())
    await asyncio.gather(flush_often(), flush_often())
    stop.set()
    await talker
    await buffer.flush()
    assert awarded > 0
    members = await GuildMember.filter(guild_id=1)
    assert sum(m.xp for m in members) == awarded
    assert sum(u.global_xp for u in await User.all()) == awarded


async def test_failed_flush_keeps_awards(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 20, "ann")
    buffer._pending[(2, 10)] = -1  # a corrupt entry makes the whole batch fail
    with pytest.raises(ValueError):
        await buffer.flush()
    assert buffer.pending(1, 10) == 20
    del buffer._pending[(2, 10)]
    await buffer.flush()
    assert (await GuildMember.get(user_id=1, guild_id=10)).xp == 20


async def refuse_user_inserts(engine: str, refuse: bool) -> None:
    """Refuse INSERTs into ``users`` at the statement, inside the flush's transaction.

    SQLite's ``PRAGMA query_only`` would refuse the flush at its ``BEGIN IMMEDIATE``, before
    any statement; a trigger refuses the write itself, as PostgreSQL's read-only trigger does.
    """
    if engine != "sqlite":
        await refuse_writes(engine, refuse, "users")
        return
    if refuse:
        await execute("CREATE TRIGGER refuse_users_insert BEFORE INSERT ON users "
                      "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    else:
        await execute("DROP TRIGGER refuse_users_insert")


async def test_awards_made_during_a_flush_the_database_refuses_are_all_kept(
    guildhall_db, guildhall_engine: str
) -> None:
    """XP awarded while a flush is inside its transaction, which the database then refuses:
    the next flush stores every award once (the failed batch merged with the new one)."""
    buffer = XpBuffer()
    buffer.add(1, 10, 100, "ann")
    buffer.add(2, 10, 40, "bob")
    awarded_mid_flush = asyncio.Event()

    async def award_inside_the_flush(sql: str) -> None:
        if '"users"' in sql and not awarded_mid_flush.is_set():
            awarded_mid_flush.set()
            buffer.add(1, 10, 7, "ann")
            buffer.add(3, 10, 5, "cy")

    await refuse_user_inserts(guildhall_engine, True)
    try:
        with StatementCounter(before=award_inside_the_flush).active():
            with pytest.raises(Exception, match="read-only|readonly"):
                await buffer.flush()
    finally:
        await refuse_user_inserts(guildhall_engine, False)
    assert awarded_mid_flush.is_set()
    assert (buffer.pending(1, 10), buffer.pending(2, 10), buffer.pending(3, 10)) == (107, 40, 5)
    await buffer.flush()
    stored = {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()}
    assert stored == {(1, 10): 107, (2, 10): 40, (3, 10): 5}
    assert sum(u.global_xp for u in await User.all()) == 152
