"""coordination_for: one choice of engine, and every piece of a deployment from it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from core.coordination import Coordination, coordination_for
from core.coordination.bus import LocalBus, PostgresBus, RedisBus, SocketBus
from core.coordination.identify import FileIdentifyLimiter, RedisIdentifyLimiter
from core.coordination.invalid_requests import FileInvalidCounter, RedisInvalidCounter
from core.coordination.lease_file import FileLease, lock_path
from core.coordination.lease_redis import RedisLease
from core.coordination.local_backend import LocalCoordination
from core.coordination.postgres_backend import PostgresCoordination
from core.coordination.rate_bucket import FileRateBucket, RedisRateBucket
from core.coordination.redis_backend import RedisCoordination
from core.coordination.wakeups import LocalWakeups, PostgresWakeups, RedisWakeups, SocketWakeups
from core.leader.duties import LeaderDuties
from core.plugins.manager import PluginManager
from core.runtime.assembly import Runtime
from core.testing.pytest_plugin import make_settings

PG_URL = "postgres://postgres@127.0.0.1:5432/g"


async def pieces(coordination: Coordination) -> list[type]:
    """The types of the four pieces ``coordination`` makes (connections closed again)."""
    lease = coordination.make_lease("me")
    limiter = coordination.make_identify_limiter("test:ident", 1.0, 2)
    bus, wakeups = coordination.make_bus(), coordination.make_wakeups()
    try:
        return [type(lease), type(limiter), type(bus), type(wakeups)]
    finally:
        await lease.close()
        await limiter.close()
        await bus.stop()
        await wakeups.close()


async def test_each_engine_makes_all_four_pieces(tmp_path: Path, guildhall_redis_url: str) -> None:
    memory = coordination_for(make_settings("sqlite://:memory:", []))
    local = coordination_for(make_settings(f"sqlite://{tmp_path}/g.db", []))
    postgres = coordination_for(make_settings(PG_URL, []))
    redis = coordination_for(make_settings(PG_URL, [], redis={"url": guildhall_redis_url}))
    assert [type(c) for c in (memory, local, postgres, redis)] == [
        LocalCoordination, LocalCoordination, PostgresCoordination, RedisCoordination,
    ]
    assert [c.engine for c in (local, postgres, redis)] == ["local", "postgres", "redis"]
    assert await pieces(memory) == [FileLease, FileIdentifyLimiter, LocalBus, LocalWakeups]
    assert await pieces(local) == [FileLease, FileIdentifyLimiter, SocketBus, SocketWakeups]
    assert await pieces(postgres) == [FileLease, FileIdentifyLimiter, PostgresBus, PostgresWakeups]
    assert await pieces(redis) == [RedisLease, RedisIdentifyLimiter, RedisBus, RedisWakeups]


async def test_redis_wins_over_any_database(tmp_path: Path, guildhall_redis_url: str) -> None:
    settings = make_settings(f"sqlite://{tmp_path}/g.db", [], redis={"url": guildhall_redis_url})
    chosen = coordination_for(settings)
    assert isinstance(chosen, RedisCoordination)
    lease = chosen.make_lease("me")
    try:
        assert lease.key == settings.leader.key
    finally:
        await lease.close()


async def test_two_backends_of_one_sqlite_deployment_share_one_lease(tmp_path: Path) -> None:
    """Two backends for one SQLite deployment share the lock next to the database file."""
    settings = make_settings(f"sqlite://{tmp_path}/g.db", [])
    first = coordination_for(settings).make_lease("a")
    second = coordination_for(settings).make_lease("b")
    try:
        assert (await first.try_acquire()).won
        assert not (await second.try_acquire()).won
        assert await first.release()
        assert (await second.try_acquire()).won
    finally:
        await first.close()
        await second.close()
    assert lock_path(settings) == Path(f"{tmp_path}/g.db.leader.lock")


async def test_wakeups_from_one_backend_reach_another(tmp_path: Path) -> None:
    """The leader's channel and a sender's, each from its own backend of one deployment."""
    settings = make_settings(f"sqlite://{tmp_path}/g.db", [])
    listener = coordination_for(settings).make_wakeups()
    sender = coordination_for(settings).make_wakeups()
    arrived: asyncio.Queue[datetime] = asyncio.Queue()
    due = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    await listener.listen(arrived.put_nowait)
    try:
        await sender.notify_created(due)
        assert await asyncio.wait_for(arrived.get(), 10) == due
    finally:
        await listener.close()
        await sender.close()


def test_the_runtime_chooses_once_and_leader_duties_use_what_they_are_given(
    tmp_path: Path,
) -> None:
    settings = make_settings(f"sqlite://{tmp_path}/g.db", [])
    runtime = Runtime(settings, PluginManager(settings).load())
    assert runtime.coordination is runtime.coordination
    assert isinstance(runtime.coordination, LocalCoordination)
    duties = LeaderDuties(settings, runtime.plugins, coordination=runtime.coordination)
    assert duties.coordination is runtime.coordination
    assert isinstance(duties.wakeups, SocketWakeups)


async def test_each_engine_makes_the_rest_budget_of_its_settings(
    tmp_path: Path, guildhall_redis_url: str
) -> None:
    local = coordination_for(make_settings(f"sqlite://{tmp_path}/g.db", []))
    postgres = coordination_for(make_settings(PG_URL, []))
    redis = coordination_for(make_settings(
        PG_URL, [], redis={"url": guildhall_redis_url}, discord={"global_rate_per_second": 120}
    ))
    budgets = [c.make_rest_budget() for c in (local, postgres, redis)]
    try:
        assert [(type(b.bucket), type(b.invalid)) for b in budgets] == [
            (FileRateBucket, FileInvalidCounter), (FileRateBucket, FileInvalidCounter),
            (RedisRateBucket, RedisInvalidCounter),
        ]
        local_bucket, redis_bucket = budgets[0].bucket, budgets[2].bucket
        assert isinstance(local_bucket, FileRateBucket)
        assert local_bucket.path == tmp_path / "g.db.rest-global.lock"
        assert local_bucket.rate == 50
        assert isinstance(redis_bucket, RedisRateBucket)
        assert redis_bucket.key == f"{redis.settings.leader.key}:rest:global"
        assert redis_bucket.rate == 120
    finally:
        for budget in budgets:
            await budget.close()
