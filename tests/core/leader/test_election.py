"""LeaderElector in one process, on real Redis (shared, or a throwaway one to break)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import redis.asyncio as aioredis

from core.coordination.lease_redis import RedisLease
from core.db.models import GuildConfig
from core.leader.election import LeaderElector, Term, fenced_write
from core.leader.fencing import FencedOut, current_epoch, fenced
from core.runtime.config import LeaderSettings
from tests.core.leader.leader_support import ThrowawayRedis

FAST = LeaderSettings(ttl_seconds=1.5, renew_seconds=0.3, key="unused")


@pytest.fixture
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    """A private redis-server this test may pause, kill and restart."""
    server = ThrowawayRedis().start()
    yield server
    server.cleanup()


@pytest.fixture
async def shared_key(guildhall_redis_url: str) -> AsyncIterator[str]:
    """A unique lease key on the shared Redis, removed afterwards."""
    key = f"test:elector:{uuid.uuid4().hex}"
    yield key
    client = aioredis.Redis.from_url(guildhall_redis_url)
    await client.delete(key, f"{key}:epoch")
    await client.aclose()


def elector(url: str, key: str, identity: str, settings: LeaderSettings = FAST,
            fence: bool = False) -> LeaderElector:
    lease = RedisLease(url, key, settings.ttl_seconds, identity, op_timeout=0.5)
    return LeaderElector(settings, lease, identity, fence_name="leader" if fence else None)


async def eventually(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def idle(term: Term) -> None:
    await asyncio.Event().wait()


async def test_work_is_cancelled_before_the_ttl_when_renewals_hang(
    throwaway_redis: ThrowawayRedis,
) -> None:
    node = elector(throwaway_redis.url, "lease", "a")
    seen: dict[str, float | bool] = {}
    terms: list[Term] = []

    async def work(term: Term) -> None:
        terms.append(term)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            seen["cancelled_at"] = time.monotonic()
            seen["lost_first"] = term.lost.is_set()
            raise

    runner = asyncio.create_task(node.run(work))
    await eventually(lambda: node.is_leader, 60, "the first win")
    await asyncio.sleep(0.7)  # a few successful renewals
    blocker = aioredis.Redis.from_url(throwaway_redis.url)
    pause = asyncio.create_task(blocker.execute_command("DEBUG", "SLEEP", "3"))
    await eventually(lambda: "cancelled_at" in seen, 60, "the work to be cancelled")
    last_renewal = terms[0].valid_until - (FAST.ttl_seconds - node.safety_margin)
    since_renewal = float(seen["cancelled_at"]) - last_renewal
    print(f"work cancelled {since_renewal:.3f}s after the last renewal (ttl {FAST.ttl_seconds}s)")
    assert seen["lost_first"] is True
    assert terms[0].lost.is_set() and not node.is_leader
    assert since_renewal < FAST.ttl_seconds, since_renewal
    assert since_renewal >= FAST.ttl_seconds - node.safety_margin - 0.05, since_renewal
    await pause
    await blocker.aclose()
    await eventually(lambda: len(terms) == 2, 60, "re-election after the pause")
    assert terms[1].epoch == terms[0].epoch + 1
    await node.stop()
    await runner


async def test_stop_releases_so_another_takes_over_at_once(
    guildhall_redis_url: str, shared_key: str
) -> None:
    # A lease far longer than the wait below: b can only lead because stop() released it.
    slow = LeaderSettings(ttl_seconds=300, renew_seconds=0.5, key="unused")
    a = elector(guildhall_redis_url, shared_key, "a", slow)
    b = elector(guildhall_redis_url, shared_key, "b", slow)
    a_task = asyncio.create_task(a.run(idle))
    await eventually(lambda: a.is_leader, 60, "a to lead")
    b_task = asyncio.create_task(b.run(idle))
    await asyncio.sleep(0.8)
    assert a.is_leader and not b.is_leader
    await a.stop()
    await a_task
    assert not a.is_leader and a.term is None
    await eventually(lambda: b.is_leader, 60, "b to take over (well before the 300 s ttl)")
    assert b.term is not None and b.term.epoch == 2
    await b.stop()
    await b_task


async def test_redis_down_never_crashes_and_logs_once(
    throwaway_redis: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    throwaway_redis.stop()
    node = elector(throwaway_redis.url, "lease", "a")
    caplog.set_level(logging.INFO, logger="core.leader.election")
    runner = asyncio.create_task(node.run(idle))
    await asyncio.sleep(2.0)  # many attempts at ~0.03-0.3 s backoff
    assert not runner.done() and not node.is_leader
    down = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(down) == 1 and down[0].levelno == logging.WARNING
    throwaway_redis.start()
    await eventually(lambda: node.is_leader, 60, "election once Redis is back")
    assert any("elected leader with epoch 1" in r.getMessage() for r in caplog.records)
    await node.stop()
    await runner


async def test_failing_work_steps_down_and_campaigns_again(
    guildhall_redis_url: str, shared_key: str
) -> None:
    node = elector(guildhall_redis_url, shared_key, "a")
    epochs: list[int] = []

    async def crashing(term: Term) -> None:
        epochs.append(term.epoch)
        raise RuntimeError("boom")

    runner = asyncio.create_task(node.run(crashing))
    await eventually(lambda: len(epochs) >= 2, 60, "a second term")
    assert epochs[:2] == [1, 2]
    await node.stop()
    await runner


async def test_epoch_is_lifted_above_the_database_fence_and_claimed(
    guildhall_db, guildhall_redis_url: str, shared_key: str
) -> None:
    async with fenced(41, "a previous leader"):
        pass  # as if Redis lost its counter after epoch 41 had written
    node = elector(guildhall_redis_url, shared_key, "a", fence=True)
    terms: list[Term] = []

    async def work(term: Term) -> None:
        terms.append(term)
        await asyncio.Event().wait()

    runner = asyncio.create_task(node.run(work))
    await eventually(lambda: bool(terms), 60, "the win")
    term = terms[0]
    assert term.epoch == 42 and term.identity == "a"
    assert await current_epoch() == 42  # claimed before the work started
    async with fenced_write(term) as conn:
        await GuildConfig.create(guild_id=1, using_db=conn)
    async with fenced(43, "a newer leader"):
        pass
    with pytest.raises(FencedOut):
        async with fenced_write(term) as conn:
            await GuildConfig.create(guild_id=2, using_db=conn)
    assert term.lost.is_set()
    await eventually(lambda: len(terms) == 2, 60, "a new term after being fenced out")
    assert terms[1].epoch == 44
    assert await GuildConfig.all().values_list("guild_id", flat=True) == [1]
    await node.stop()
    await runner


async def test_fenced_write_refuses_once_the_term_is_over(guildhall_db) -> None:
    expired = Term(epoch=1, identity="a", valid_until=time.monotonic() - 0.1)
    with pytest.raises(FencedOut, match="no longer holds the lease"):
        async with fenced_write(expired) as conn:
            await GuildConfig.create(guild_id=5, using_db=conn)
    assert await GuildConfig.filter(guild_id=5).count() == 0
    assert await current_epoch() == 0
