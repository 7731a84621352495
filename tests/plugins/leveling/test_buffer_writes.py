"""Flushes side by side (PostgreSQL, where writes run concurrently): a guild's flush does not
wait for a running flush of other guilds, and waits for one that holds its own guild."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from core.db.models import GuildMember
from core.services import xp
from core.testing.bot_fixtures import eventually
from plugins.leveling.buffer import XpBuffer
from tests.helpers import waiting_on_a_lock

WAIT = 60.0  # liveness bound on a loaded machine; order is what is checked


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
async def test_a_guild_flush_passes_other_guilds_writes_and_waits_for_its_own(
    guildhall_db,
) -> None:
    buffer = XpBuffer()
    buffer.add(1, 10, 5, "ann")
    await buffer.flush()  # ann's users row exists
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold_ann() -> None:  # another transaction holds ann's row
        async with in_transaction(xp.CONNECTION) as conn:
            await conn.execute_query(
                'SELECT 1 FROM "users" WHERE "user_id" = $1 FOR UPDATE', [1])
            locked.set()
            await release.wait()

    holder = asyncio.create_task(hold_ann())
    await asyncio.wait_for(locked.wait(), WAIT)
    buffer.add(1, 10, 7, "ann")
    whole = asyncio.create_task(buffer.flush())  # guild 10's write, stuck on ann's row
    try:
        await eventually(lambda: waiting_on_a_lock("users"), timeout=WAIT,
                         message="the flush did not reach ann's row")
        buffer.add(2, 20, 9, "bob")  # another guild: its reader does not wait
        assert await asyncio.wait_for(buffer.flush(20), WAIT) == []
        assert (await GuildMember.get(user_id=2, guild_id=20)).xp == 9
        buffer.add(3, 10, 4, "cy")  # guild 10 again: its reader waits for the running write
        own = asyncio.create_task(buffer.flush(10))
        done, _ = await asyncio.wait({own}, timeout=1.0)
        assert not done and not whole.done()
        assert not await GuildMember.filter(user_id=3).exists()
    finally:
        release.set()
        await asyncio.wait_for(holder, WAIT)
    await asyncio.wait_for(whole, WAIT)
    await asyncio.wait_for(own, WAIT)
    stored = {(m.user_id, m.guild_id): m.xp for m in await GuildMember.all()}
    assert stored == {(1, 10): 12, (2, 20): 9, (3, 10): 4}
    assert len(buffer) == 0
