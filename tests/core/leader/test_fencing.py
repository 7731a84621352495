"""Fencing on both engines: an older epoch's write is rejected and rolled back."""

from __future__ import annotations

import pytest

from core.db.models import GuildConfig, LeaderFence
from core.leader.fencing import FencedOut, current_epoch, fenced


async def test_newer_epoch_wins_and_older_is_rolled_back(guildhall_db) -> None:
    assert await current_epoch() == 0
    async with fenced(3, "worker-a") as conn:
        await GuildConfig.create(guild_id=1, using_db=conn)
    assert await current_epoch() == 3
    async with fenced(5, "worker-b") as conn:
        await GuildConfig.create(guild_id=2, using_db=conn)
    with pytest.raises(FencedOut, match="epoch 3 is older"):
        async with fenced(3, "worker-a") as conn:
            await GuildConfig.create(guild_id=3, using_db=conn)
    assert await current_epoch() == 5
    assert sorted(await GuildConfig.all().values_list("guild_id", flat=True)) == [1, 2]
    async with fenced(5, "worker-b"):  # the same epoch may keep writing
        pass


async def test_write_fails_if_a_newer_leader_fenced_meanwhile(guildhall_db) -> None:
    async with fenced(7):
        pass
    with pytest.raises(FencedOut):
        async with fenced(6) as conn:
            await GuildConfig.create(guild_id=9, using_db=conn)
    assert await GuildConfig.filter(guild_id=9).count() == 0


async def test_the_fence_records_the_last_holder(guildhall_db) -> None:
    async with fenced(1):
        pass
    assert (await LeaderFence.get(name="leader")).holder == ""  # none given
    async with fenced(2, holder="worker-a"):
        pass
    row = await LeaderFence.get(name="leader")
    assert (row.epoch, row.holder) == (2, "worker-a")
