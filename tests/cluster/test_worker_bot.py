"""A worker's shards and the IDENTIFY limiter: launch chains per bucket, windows from the send.

A shard waiting for its bucket (held by another worker) must not hold back the worker's
shards whose buckets are free, and a window starts again when the IDENTIFY is written, so
an event loop that stalls between the grant and the send does not shorten the next
holder's wait. Checked by order and by lower bounds only: a slow machine cannot fail them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from cluster.worker_bot import WorkerBot, launch_chains
from core.coordination.identify import FileIdentifyLimiter, IdentifyLimiter, RedisIdentifyLimiter
from core.runtime.assembly import Runtime
from core.testing.bot_fixtures import eventually, settings_for_double
from core.testing.double import DiscordDouble, run_client

WINDOW = 1.0
HOLD = 5.0  # the held bucket's window: renewed every HOLD / 10 s, far from lapsing
BUCKETS = 4


def test_launch_chains_group_shards_by_bucket_in_order() -> None:
    assert launch_chains([0, 1, 2, 3], 4) == [[0], [1], [2], [3]]
    assert launch_chains([8, 9, 10, 11, 12, 13, 14, 15], 4) == [[8, 12], [9, 13], [10, 14],
                                                                 [11, 15]]
    assert launch_chains([4, 5, 6], 1) == [[4, 5, 6]]  # one bucket: one after another
    assert launch_chains([3, 1, 2], 0) == [[3, 1, 2]]


HoldLeft = Callable[[int], Awaitable[float]]
MakeLimiter = Callable[[float], IdentifyLimiter]


@pytest.fixture(params=["redis", "file"])
async def make_limiter(
    request: pytest.FixtureRequest, tmp_path: Path, guildhall_redis_url: str
) -> AsyncIterator[MakeLimiter]:
    """Factory: a limiter of the backend with ``window``, on the same buckets as every
    other limiter it made (as worker processes share them); all closed afterwards."""
    key = f"test:identify:{uuid.uuid4().hex[:8]}"
    made: list[IdentifyLimiter] = []

    def make(window: float) -> IdentifyLimiter:
        limiter: IdentifyLimiter
        if request.param == "redis":
            limiter = RedisIdentifyLimiter(guildhall_redis_url, key, window, BUCKETS)
        else:
            limiter = FileIdentifyLimiter(tmp_path, key, window, BUCKETS)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.close()


@pytest.fixture
async def limiters(
    make_limiter: MakeLimiter, guildhall_redis_url: str
) -> AsyncIterator[tuple[IdentifyLimiter, IdentifyLimiter, HoldLeft]]:
    """Two limiters of ``WINDOW``, as two worker processes would hold them, and the seconds
    left in a shard's bucket as the backend keeps them."""
    first, second = make_limiter(WINDOW), make_limiter(WINDOW)
    client = aioredis.from_url(guildhall_redis_url)

    async def hold_left(shard: int) -> float:
        if isinstance(first, RedisIdentifyLimiter):
            return int(await client.pttl(first.bucket_key(shard))) / 1000
        assert isinstance(first, FileIdentifyLimiter)
        return float(first.bucket_path(shard).read_text()) + WINDOW - time.time()

    yield first, second, hold_left
    await client.aclose()


async def test_a_held_bucket_does_not_hold_back_the_other_shards(
    guildhall_db: Runtime, make_limiter: MakeLimiter
) -> None:
    """Another worker holds bucket 0 (renewing its window) until shards 1-3 are in: they
    identify first. disnake's own order launches shard 0 first, which then waits for the
    bucket, and shards 1-3 never come while it is held."""
    other_worker, limiter = make_limiter(HOLD), make_limiter(HOLD)
    async with DiscordDouble(shard_count=BUCKETS, max_concurrency=BUCKETS,
                             identify_window=WINDOW) as double:
        await other_worker.acquire(0)  # another worker just identified in bucket 0
        holding = True

        async def hold_bucket_0() -> None:
            while holding:
                await other_worker.sent(0)  # still its bucket: the window starts again
                await asyncio.sleep(HOLD / 10)

        holder = asyncio.create_task(hold_bucket_0())
        sent: list[int] = []
        restart = limiter.sent

        async def record_sent(shard_id: int) -> None:
            sent.append(shard_id)
            await restart(shard_id)

        limiter.sent = record_sent  # type: ignore[method-assign]
        bot = WorkerBot(settings_for_double(guildhall_db.settings, double), guildhall_db.plugins,
                        limiter=limiter, cluster_index=0, shard_ids=list(range(BUCKETS)),
                        shard_count=BUCKETS, guild_ready_timeout=0.1)
        runner = await run_client(bot, double, fast_identify=False, wait_ready=False)

        def accepted() -> list[int]:
            return [i.shard_id for i in sorted(double.gateway.identifies, key=lambda i: i.time)
                    if i.accepted]

        try:
            await eventually(lambda: accepted() if len(accepted()) == 3 else None,
                             timeout=120, message="shards 1-3 waited for bucket 0")
            assert sorted(accepted()) == [1, 2, 3]
            holding = False
            await holder
            await eventually(lambda: accepted() if len(accepted()) == BUCKETS else None,
                             timeout=120, message="shard 0 never identified")
            assert accepted()[-1] == 0
            assert double.gateway.identify_violations == 0
            assert sorted(sent) == list(range(BUCKETS))  # each window restarted at its send
        finally:
            holding = False
            await holder
            await runner.stop()


async def test_the_window_restarts_when_the_identify_is_sent(
    limiters: tuple[IdentifyLimiter, IdentifyLimiter, HoldLeft],
) -> None:
    first, second, hold_left = limiters
    await first.acquire(1)
    await asyncio.sleep(WINDOW / 2)  # the event loop stalled between grant and send
    sent_at = time.monotonic()
    await first.sent(1)
    await second.acquire(5)  # the same bucket
    assert time.monotonic() - sent_at >= WINDOW


async def test_only_the_holder_restarts_the_window(
    limiters: tuple[IdentifyLimiter, IdentifyLimiter, HoldLeft],
) -> None:
    first, second, hold_left = limiters
    await first.acquire(2)
    await second.acquire(6)  # first's window ended; second holds the bucket now
    await asyncio.sleep(WINDOW / 2)
    await first.sent(2)  # late: first no longer holds it
    assert await hold_left(2) <= WINDOW / 2  # second's window, not a new one from first
