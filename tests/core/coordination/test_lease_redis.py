"""The Redis lease on a real server: SET NX PX, token-checked renew/release, epochs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from core.coordination.lease import LeaseNotHeld
from core.coordination.lease_redis import RedisLease


@pytest.fixture
async def lease_key(guildhall_redis_url: str) -> AsyncIterator[str]:
    """A unique lease key on the shared Redis, deleted afterwards."""
    key = f"test:leader:{uuid.uuid4().hex}"
    yield key
    client = aioredis.Redis.from_url(guildhall_redis_url)
    await client.delete(key, f"{key}:epoch")
    await client.aclose()


@pytest.fixture
async def raw(guildhall_redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A plain client to inspect and tamper with the keys."""
    client = aioredis.Redis.from_url(guildhall_redis_url, decode_responses=True)
    yield client
    await client.aclose()


def make(url: str, key: str, identity: str, ttl: float = 5.0) -> RedisLease:
    return RedisLease(url, key, ttl, identity)


async def test_one_winner_and_epoch_increments_on_every_win(
    guildhall_redis_url: str, lease_key: str, raw: aioredis.Redis
) -> None:
    a, b = make(guildhall_redis_url, lease_key, "a"), make(guildhall_redis_url, lease_key, "b")
    try:
        first, second = await asyncio.gather(a.try_acquire(), b.try_acquire())
        assert sorted([first.won, second.won]) == [False, True]
        winner, loser = (a, b) if first.won else (b, a)
        won, lost = (first, second) if first.won else (second, first)
        assert won.epoch == 1
        assert lost.retry_after is not None and 4.0 < lost.retry_after <= 5.0
        assert await raw.get(lease_key) == winner.token
        assert winner.token and winner.token.startswith(f"{winner.identity}:")
        assert 4000 < await raw.pttl(lease_key) <= 5000
        assert await winner.release() is True
        again = await loser.try_acquire()
        assert again.won and again.epoch == 2
        assert await raw.get(f"{lease_key}:epoch") == "2"
    finally:
        await a.close()
        await b.close()


async def test_a_different_token_cannot_renew_or_release(
    guildhall_redis_url: str, lease_key: str, raw: aioredis.Redis
) -> None:
    holder = make(guildhall_redis_url, lease_key, "holder", ttl=5.0)
    impostor = make(guildhall_redis_url, lease_key, "impostor", ttl=60.0)
    try:
        assert (await holder.try_acquire()).won
        impostor.token = "impostor:forged-token"
        assert await impostor.renew() is False
        assert await raw.pttl(lease_key) <= 5000  # not extended to 60 s
        impostor.token = "impostor:forged-token"
        assert await impostor.release() is False
        assert await raw.get(lease_key) == holder.token  # not deleted
        impostor.token = "impostor:forged-token"
        with pytest.raises(LeaseNotHeld):
            await impostor.raise_epoch(100)
        assert await raw.get(f"{lease_key}:epoch") == "1"
        await raw.pexpire(lease_key, 1000)
        assert await holder.renew() is True
        assert await raw.pttl(lease_key) > 4000  # the holder's renewal restored the ttl
    finally:
        await holder.close()
        await impostor.close()


async def test_an_expired_lease_taken_by_another_cannot_be_renewed_or_released(
    guildhall_redis_url: str, lease_key: str, raw: aioredis.Redis
) -> None:
    old = make(guildhall_redis_url, lease_key, "old", ttl=0.6)
    new = make(guildhall_redis_url, lease_key, "new", ttl=5.0)
    try:
        assert (await old.try_acquire()).won
        await asyncio.sleep(0.8)  # old's lease expires (a pause past the ttl)
        taken = await new.try_acquire()
        assert taken.won and taken.epoch == 2
        assert await old.renew() is False
        assert old.token is None
        assert await old.release() is False
        assert await raw.get(lease_key) == new.token
    finally:
        await old.close()
        await new.close()


async def test_raise_epoch_only_lifts_the_counter_while_holding(
    guildhall_redis_url: str, lease_key: str, raw: aioredis.Redis
) -> None:
    lease = make(guildhall_redis_url, lease_key, "a")
    try:
        assert (await lease.try_acquire()).epoch == 1
        assert await lease.raise_epoch(10) == 10
        assert await lease.raise_epoch(4) == 10  # never lowers
        assert await raw.get(f"{lease_key}:epoch") == "10"
        await lease.release()
        assert (await lease.try_acquire()).epoch == 11
    finally:
        await lease.close()


async def test_unreachable_server_raises_quickly(lease_key: str) -> None:
    lease = RedisLease("redis://127.0.0.1:1/0", lease_key, 5.0, "a", op_timeout=0.5)
    try:
        with pytest.raises(Exception, match="(?i)connect"):
            await asyncio.wait_for(lease.try_acquire(), 3)
    finally:
        await lease.close()
