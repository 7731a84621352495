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
from core.testing.bot_fixtures import settings_for_double
from core.testing.double import DiscordDouble, run_client

WINDOW = 1.0
BUCKETS = 4


def test_launch_chains_group_shards_by_bucket_in_order() -> None:
    assert launch_chains([0, 1, 2, 3], 4) == [[0], [1], [2], [3]]
    assert launch_chains([8, 9, 10, 11, 12, 13, 14, 15], 4) == [[8, 12], [9, 13], [10, 14],
                                                                 [11, 15]]
    assert launch_chains([4, 5, 6], 1) == [[4, 5, 6]]  # one bucket: one after another
    assert launch_chains([3, 1, 2], 0) == [[3, 1, 2]]


HoldLeft = Callable[[int], Awaitable[float]]


@pytest.fixture(params=["redis", "file"])
async def limiters(
    request: pytest.FixtureRequest, tmp_path: Path, guildhall_redis_url: str
) -> AsyncIterator[tuple[IdentifyLimiter, IdentifyLimiter, HoldLeft]]:
    """Two limiters on the same buckets, as two worker processes would hold them, and the
    seconds left in a shard's bucket as the backend keeps them."""
    pair: tuple[IdentifyLimiter, IdentifyLimiter]
    if request.param == "redis":
        key = f"test:identify:{uuid.uuid4().hex[:8]}"
        pair = (RedisIdentifyLimiter(guildhall_redis_url, key, WINDOW, BUCKETS),
                RedisIdentifyLimiter(guildhall_redis_url, key, WINDOW, BUCKETS))
        client = aioredis.from_url(guildhall_redis_url)

        async def hold_left(shard: int) -> float:
            return int(await client.pttl(f"{key}:{shard % BUCKETS}")) / 1000
    else:
        pair = (FileIdentifyLimiter(tmp_path, "bot", WINDOW, BUCKETS),
                FileIdentifyLimiter(tmp_path, "bot", WINDOW, BUCKETS))

        async def hold_left(shard: int) -> float:
            last = float(pair[0].bucket_path(shard).read_text())
            return last + WINDOW - time.time()
    yield (*pair, hold_left)
    for limiter in pair:
        await limiter.close()
    if request.param == "redis":
        await client.aclose()


async def test_a_held_bucket_does_not_hold_back_the_other_shards(
    guildhall_db: Runtime, limiters: tuple[IdentifyLimiter, IdentifyLimiter, HoldLeft]
) -> None:
    other_worker, limiter, _ = limiters
    async with DiscordDouble(shard_count=BUCKETS, max_concurrency=BUCKETS,
                             identify_window=WINDOW) as double:
        await other_worker.acquire(0)  # another worker just identified in bucket 0
        sent: list[int] = []
        restart = limiter.sent

        async def record_sent(shard_id: int) -> None:
            sent.append(shard_id)
            await restart(shard_id)

        limiter.sent = record_sent  # type: ignore[method-assign]
        bot = WorkerBot(settings_for_double(guildhall_db.settings, double), guildhall_db.plugins,
                        limiter=limiter, cluster_index=0, shard_ids=list(range(BUCKETS)),
                        shard_count=BUCKETS, guild_ready_timeout=0.1)
        runner = await run_client(bot, double, fast_identify=False, timeout=120)
        try:
            accepted = sorted((i for i in double.gateway.identifies if i.accepted),
                              key=lambda i: i.time)
            # disnake alone launches shard 0 first and waits for its bucket before the rest
            assert [i.shard_id for i in accepted][-1] == 0, accepted
            assert sorted(i.shard_id for i in accepted) == list(range(BUCKETS))
            assert double.gateway.identify_violations == 0
            assert sorted(sent) == list(range(BUCKETS))  # each window restarted at its send
        finally:
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
