"""Several machines: launchers running slices of one plan, and the refusals that protect it.

Two launchers (``--clusters 0-1`` and ``--clusters 2-3`` of 4) share PostgreSQL and Redis
like two machines would: all clusters come up, exactly one worker leads, and the double
sees no IDENTIFY outside its window with ``max_concurrency`` 4 (buckets shared across
both launchers). Without Redis a partial slice is refused; so is a start that would
burn the session start budget.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.databases import DatabaseFactory
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from tests.cluster.launcher_kit import (
    START,
    WINDOW,
    Launcher,
    cluster_of_request,
    cluster_settings,
    statuses,
    wait_ready,
)

pytestmark = pytest.mark.processes


@pytest.fixture
async def shared_postgres(
    guildhall_database_factory: DatabaseFactory, guildhall_services: dict
) -> AsyncIterator[str]:
    """A migrated PostgreSQL database both "machines" use."""
    if guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    url = await guildhall_database_factory.create_migrated(
        "postgres", make_settings("sqlite://:memory:", []))
    yield url
    await guildhall_database_factory.drop(url)


async def test_two_launchers_share_one_plan(
    shared_postgres: str, guildhall_redis_url: str, tmp_path: Path
) -> None:
    base = make_settings(shared_postgres, [], redis={"url": guildhall_redis_url})
    settings = cluster_settings(base, tmp_path, shard_count=8, shards_per_cluster=2)
    async with DiscordDouble(shard_count=8, max_concurrency=4, identify_window=WINDOW,
                             heartbeat_interval_ms=1000) as double:
        guilds = [double.create_guild(f"g{shard}", shard=shard) for shard in range(0, 8, 2)]
        for guild in guilds:
            double.add_member(guild, f"member-of-{guild.name}")
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        machines = [
            await Launcher(settings, double, tmp_path / "a" / "run.log").start(
                "--clusters", "0-1", "--total-clusters", "4"),
            await Launcher(settings, double, tmp_path / "b" / "run.log").start(
                "--clusters", "2-3", "--total-clusters", "4"),
        ]
        try:
            ready = await wait_ready(settings, 4)
            assert sorted(s.shard_ids[0] for s in ready.values()) == [0, 2, 4, 6]
            # Exactly one leader: wait for its report (an election on a loaded machine
            # takes a while), then it stays the only one.
            await eventually(lambda: _one_leader(settings), timeout=START, interval=0.1,
                             message="exactly one leader")
            until = time.monotonic() + 1.5
            while time.monotonic() < until:
                leaders = await _leaders(settings)
                assert len(leaders) <= 1, leaders
                await asyncio.sleep(0.1)
            await eventually(lambda: _one_leader(settings), timeout=START, interval=0.1,
                             message="exactly one leader, still")
            for guild in guilds:  # both machines serve their guilds
                channel = guild.text_channels[0]
                await double.send_message(channel, next(iter(guild.members.values())), "!ping")
                await double.wait_for_message(channel, timeout=60)
            senders = {cluster_of_request(r) for r in double.requests.filter(method="POST")
                       if r.path.endswith("/messages")}
            assert senders == {0, 1, 2, 3}
        finally:
            codes = await asyncio.gather(*(machine.stop() for machine in machines))
        assert codes == [0, 0], machines[0].output()[-2000:] + machines[1].output()[-2000:]
        accepted = [i for i in double.gateway.identifies if i.accepted]
        assert sorted(i.shard_id for i in accepted) == list(range(8))
        assert double.gateway.identify_violations == 0
        assert {i.bucket for i in accepted} == {0, 1, 2, 3}


async def _leaders(settings: Settings) -> list[int]:
    """Clusters whose fresh report says they lead."""
    return [s.cluster for s in (await statuses(settings)).values()
            if s.leader and s.age() < settings.cluster.status_stale_seconds]


async def _one_leader(settings: Settings) -> list[int] | None:
    leaders = await _leaders(settings)
    return leaders if len(leaders) == 1 else None


async def test_refusals_partial_slice_without_redis_and_low_budget(tmp_path: Path) -> None:
    base = make_settings(f"sqlite://{tmp_path}/bot.db", [])
    settings = cluster_settings(base, tmp_path, shard_count=4, shards_per_cluster=2)
    async with DiscordDouble(shard_count=4, session_start_remaining=3) as double:
        partial = await Launcher(settings, double, tmp_path / "partial.log").start(
            "--clusters", "1")
        assert await asyncio.wait_for(partial.process.wait(), 30) == 2
        assert "without Redis only one machine may run the bot" in partial.output()
        assert "Traceback" not in partial.output()
        low = await Launcher(settings, double, tmp_path / "budget.log").start()
        assert await asyncio.wait_for(low.process.wait(), 30) == 1
        assert "allows 3 more session start(s) of 1000 today" in low.output()
        assert "would start 4 shard(s)" in low.output()
        assert double.gateway.identifies == []  # nothing was started
    assert not (tmp_path / "bot.db").exists()  # refused before touching the database
