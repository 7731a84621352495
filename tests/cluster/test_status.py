"""Status reports: both stores, staleness, and ``guildhall status`` (table and JSON)."""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path

import pytest

from cluster.reporter import StatusReporter
from core.runtime.worker_status import (
    FileStatusStore,
    WorkerStatus,
    make_store,
    read_statuses,
)
from core.testing.pytest_plugin import make_settings
from tests.helpers import guildhall


def report(cluster: int, age: float, state: str = "ready", leader: bool = False) -> WorkerStatus:
    return WorkerStatus(
        cluster=cluster, shard_ids=[2 * cluster, 2 * cluster + 1], shard_count=4, host="m1",
        pid=1000 + cluster, state=state, started_at=time.time() - 100,
        reported_at=time.time() - age, guilds=1500, latencies={2 * cluster: 0.042},
        events_per_second=12.5, rss_bytes=150 * 2**20, leader=leader,
    )


async def test_file_store_round_trip_and_staleness(tmp_path: Path) -> None:
    store = FileStatusStore(tmp_path / "status")
    assert await store.read_all() == []
    await store.write(report(1, age=120))
    await store.write(report(0, age=0.5, leader=True))
    await store.write(report(2, age=600, state="stopped"))
    (tmp_path / "status" / "cluster-9.json").write_text("{not json")
    statuses = await store.read_all()
    assert [s.cluster for s in statuses] == [0, 1, 2]  # the malformed file is skipped
    assert WorkerStatus.from_json(statuses[0].to_json()) == statuses[0]
    assert statuses[0].latencies == {0: 0.042} and statuses[0].worst_latency == 0.042
    assert [s.is_stale(30) for s in statuses] == [False, True, False]  # stopped is not stale


@pytest.mark.redis
async def test_redis_store_sees_every_machine(guildhall_redis_url: str) -> None:
    key = f"test:status:{uuid.uuid4().hex[:8]}"
    settings = make_settings("sqlite://:memory:", [], redis={"url": guildhall_redis_url},
                             cluster={"status_key": key})
    machine_a, machine_b = make_store(settings), make_store(settings)
    await machine_a.write(report(0, 1))
    await machine_b.write(report(1, 1, leader=True))
    await machine_b.write(report(1, 0, leader=True))  # the latest report replaces the last
    found = await read_statuses(settings)
    assert [(s.cluster, s.leader) for s in found] == [(0, False), (1, True)]
    await machine_a.close()
    await machine_b.close()


async def test_reporter_writes_now_and_on_stop(tmp_path: Path) -> None:
    store = FileStatusStore(tmp_path)
    status = WorkerStatus(cluster=3, shard_ids=[3], shard_count=4, host="m", pid=os.getpid())
    reporter = StatusReporter(store, status, interval=60)
    reporter.start()
    reporter.poke()
    await reporter.stop()
    (saved,) = await store.read_all()
    assert saved.state == "stopped" and saved.rss_bytes > 10 * 2**20
    assert saved.age() < 5


def test_guildhall_status_table_and_json(tmp_path: Path) -> None:
    store = FileStatusStore(tmp_path / "data" / "status")
    for status in (report(0, 1, leader=True), report(1, 95)):
        asyncio.run(store.write(status))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in ("REDIS_URL", "DATABASE_URL")}
    shown = guildhall("status", env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "guildhall cluster status" in shown.stdout and "STALE (ready)" in shown.stdout
    assert "0-1 of 4" in shown.stdout and "150 MiB" in shown.stdout and "42 ms" in shown.stdout
    assert "2 cluster(s), 1 stale (1), 1,500 guild(s), leader: cluster 0" in shown.stdout
    as_json = guildhall("status", "--json", env=env, cwd=tmp_path)
    rows = json.loads(as_json.stdout)
    assert [(r["cluster"], r["stale"], r["leader"]) for r in rows] == [
        (0, False, True), (1, True, False)]
    empty = guildhall("status", env=env, cwd=tmp_path / "data")
    assert empty.returncode == 1  # nothing reporting is a failure for monitoring scripts
    assert "no worker has reported yet" in empty.stderr
