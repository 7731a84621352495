"""The XP buffer's bookkeeping: zero awards, names kept, forgetting a user, the deletion
fence at flush time, what a failed flush puts back, and pruning expired cooldowns."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from core.db.models import GuildMember, User
from core.services import user_fence
from core.testing.bot_fixtures import eventually
from plugins.leveling import buffer as buffer_module
from plugins.leveling.buffer import XpBuffer
from tests.bench.common import StatementCounter


def test_awards_of_zero_are_fine_and_negative_ones_say_why() -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 0)
    assert buffer.pending(1, 10) == 0 and len(buffer) == 1
    with pytest.raises(ValueError, match="^an award cannot be negative$"):
        buffer.add(1, 10, -1)
    assert buffer.pending(2, 10) == 0 and buffer.pending(1, 11) == 0


async def test_a_later_award_without_a_name_keeps_the_name(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "alice")
    buffer.add(1, 10, 5)
    await buffer.flush()
    assert (await User.get(user_id=1)).username == "alice"


async def test_forgetting_a_user_drops_their_awards_in_every_guild(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "alice", channel_id=7)
    buffer.add(1, 11, 6, "alice")
    buffer.add(2, 10, 8, "bob")
    assert buffer.forget(1) == 2 and buffer.forget(1) == 0
    assert (buffer.pending(1, 10), buffer.pending(1, 11), buffer.pending(2, 10)) == (0, 0, 8)
    buffer.add(1, 10, 300)  # a new award after forgetting: no old name, no old channel
    ups = await buffer.flush()
    assert [(u.change.user_id, u.channel_id) for u in ups] == [(1, None)]
    assert (await User.get(user_id=1)).username == "1"  # no name known: the id
    assert {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()} == {
        (1, 10): 300, (2, 10): 8}


async def clock_past(moment: float) -> None:
    """Wait until the wall clock is past ``moment`` (a Unix time a moment ago)."""
    await eventually(lambda: time.time() > moment, timeout=60, interval=0.001,
                     message="the clock never passed the deletion")


async def test_awards_recorded_before_a_deletion_are_dropped_at_flush(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "alice")
    first = time.time()
    await user_fence.record_deletion(1, datetime.fromtimestamp(first, UTC))
    buffer.add(10, 1, 9, "ten")  # user 10 in guild 1: the user id is the first of the key
    await clock_past(first)
    buffer.add(1, 10, 5)  # after the deletion, but counted from the first award: dropped
    await buffer.flush()
    assert await GuildMember.filter(user_id=1).count() == 0
    assert (await GuildMember.get(user_id=10, guild_id=1)).xp == 9


async def test_awards_made_after_a_deletion_are_kept_across_a_failed_flush(
    guildhall_db
) -> None:
    deleted_at = await user_fence.record_deletion(1)
    await clock_past(deleted_at.timestamp())
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "alice")
    buffer._pending[(2, 10)] = -1  # a corrupt entry makes the whole batch fail
    with pytest.raises(ValueError):
        await buffer.flush()
    del buffer._pending[(2, 10)]
    await buffer.flush()
    assert (await GuildMember.get(user_id=1, guild_id=10)).xp == 5


async def test_a_failed_flush_puts_back_names_channels_and_times(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 300, "alice", channel_id=77)
    buffer._pending[(2, 10)] = -1  # a corrupt entry makes the whole batch fail
    with pytest.raises(ValueError):
        await buffer.flush()
    del buffer._pending[(2, 10)]
    ups = await buffer.flush()
    assert [(u.change.user_id, u.channel_id) for u in ups] == [(1, 77)]
    assert (await User.get(user_id=1)).username == "alice"


async def test_a_failed_flush_keeps_the_first_award_time_for_the_fence(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "alice")
    buffer._pending[(2, 10)] = -1
    with pytest.raises(ValueError):
        await buffer.flush()
    del buffer._pending[(2, 10)]
    await user_fence.record_deletion(1, datetime.now(UTC) + timedelta(seconds=1))
    await buffer.flush()
    assert await GuildMember.filter(user_id=1).count() == 0


async def test_pruning_drops_only_expired_cooldowns(guildhall_db) -> None:
    buffer = XpBuffer()
    now = time.monotonic()
    assert buffer.try_start_cooldown(1, 10, 5, now=now - 100)  # long expired
    assert buffer.try_start_cooldown(2, 10, 1000, now=now)  # live
    buffer._pruned_at = now - buffer_module.PRUNE_EVERY - 1
    assert await buffer.flush() == []  # a flush prunes (even with nothing pending)
    assert set(buffer._last_award) == {(2, 10)}
    assert not buffer.try_start_cooldown(2, 10, 1000)
    assert buffer.try_start_cooldown(1, 10, 5)
    buffer._pruned_at = time.monotonic() - buffer_module.PRUNE_EVERY - 1
    await buffer.flush()  # prunes again from the recorded time
    assert set(buffer._last_award) == {(1, 10), (2, 10)}
    buffer.try_start_cooldown(3, 10, 5, now=0.0)
    await buffer.flush()  # not due: the last prune was just now
    assert (3, 10) in buffer._last_award


async def test_a_guild_flush_writes_only_that_guild_and_keeps_the_rest(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 300, "alice", channel_id=77)
    buffer.add(1, 11, 7, "alice", channel_id=88)
    buffer.add(2, 11, 9, "bob")
    ups = await buffer.flush(10)
    assert [(u.change.user_id, u.change.guild_id, u.channel_id) for u in ups] == [(1, 10, 77)]
    assert [(m.user_id, m.guild_id, m.xp) for m in await GuildMember.all()] == [(1, 10, 300)]
    assert (buffer.pending(1, 10), buffer.pending(1, 11), buffer.pending(2, 11)) == (0, 7, 9)
    buffer.add(1, 11, 200)  # no name: the one kept for alice's other guild is used
    ups = await buffer.flush()
    assert [(u.change.user_id, u.channel_id) for u in ups] == [(1, 88)]  # 207 XP: level 2
    stored = {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()}
    assert stored == {(1, 10): 300, (1, 11): 207, (2, 11): 9}
    assert (await User.get(user_id=1)).username == "alice"
    assert (await User.get(user_id=1)).global_xp == 507
    assert len(buffer) == 0


async def test_a_failed_guild_flush_puts_back_only_its_guild(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 300, "alice", channel_id=77)
    buffer.add(3, 12, 4, "cy")
    buffer._pending[(2, 10)] = -1  # a corrupt entry makes the guild's batch fail
    with pytest.raises(ValueError):
        await buffer.flush(10)
    buffer.add(1, 10, 5)  # awarded after the failure: merged with the put-back award
    del buffer._pending[(2, 10)]
    assert (buffer.pending(1, 10), buffer.pending(3, 12)) == (305, 4)
    ups = await buffer.flush(10)
    assert [(u.change.user_id, u.channel_id) for u in ups] == [(1, 77)]
    assert (await User.get(user_id=1)).username == "alice"
    assert await GuildMember.filter(guild_id=12).count() == 0
    assert buffer.pending(3, 12) == 4


async def test_a_guild_flush_drops_by_each_awards_time_like_a_full_one(guildhall_db) -> None:
    buffer = XpBuffer()
    buffer.add(1, 11, 4, "alice")  # recorded before the deletion: dropped
    deleted_at = await user_fence.record_deletion(1)
    await clock_past(deleted_at.timestamp())
    buffer.add(1, 10, 5)  # recorded after it: kept
    assert await buffer.flush(10) == [] and await buffer.flush(11) == []
    assert {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()} == {(1, 10): 5}
    assert len(buffer) == 0


async def test_a_flush_waits_only_for_a_running_write_of_its_guilds(guildhall_db) -> None:
    """Flushes started while guild 11's write is inside its transaction: guild 10's takes
    its awards at once; guild 11's and a whole flush wait for the writes they would share
    a guild with (its rows and rank counts); in the end every award is written once."""
    buffer = XpBuffer()
    buffer.add(1, 11, 5, "ann")
    go = {name: asyncio.Event() for name in ("other guild", "same guild", "every guild")}
    taken: dict[str, bool] = {}

    async def flush_when_told(name: str, guild_id: int | None) -> None:
        await go[name].wait()  # started from the test's task, outside the write's transaction
        await buffer.flush(guild_id)

    flushes = [asyncio.create_task(flush_when_told("other guild", 10)),
               asyncio.create_task(flush_when_told("same guild", 11)),
               asyncio.create_task(flush_when_told("every guild", None))]

    async def flush_inside_the_write(sql: str) -> None:
        if '"users"' not in sql or taken:
            return
        buffer.add(2, 10, 6, "bob")
        buffer.add(3, 11, 7, "cy")
        buffer.add(4, 12, 8, "dee")
        go["other guild"].set()
        go["same guild"].set()
        await asyncio.sleep(0)  # each runs until it waits or has taken its awards
        go["every guild"].set()
        await asyncio.sleep(0)
        taken.update({"other guild": buffer.pending(2, 10) == 0,
                      "same guild": buffer.pending(3, 11) == 0,
                      "every guild": buffer.pending(4, 12) == 0})

    with StatementCounter(before=flush_inside_the_write).active():
        await buffer.flush(11)
        await asyncio.gather(*flushes)
    assert taken == {"other guild": True, "same guild": False, "every guild": False}
    stored = {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()}
    assert stored == {(1, 11): 5, (2, 10): 6, (3, 11): 7, (4, 12): 8}
    assert len(buffer) == 0
