"""The IDENTIFY limiter across real processes: Redis and the local lock-file backend."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from pathlib import Path

import pytest

from cluster.identify import make_limiter
from core.coordination.identify import FileIdentifyLimiter, RedisIdentifyLimiter, lock_location
from core.testing.pytest_plugin import make_settings
from tests.helpers import ROOT

pytestmark = pytest.mark.processes

WINDOW = 0.15
TOLERANCE = 0.03  # the slot is taken at the store; the print happens a moment later
SHARDS = ["0", "1", "2", "3", "0", "1"]  # 2 buckets: 3 slots each per process


async def contend(backend: str, target: str, processes: int = 3) -> list[dict]:
    start = time.time() + 2.0  # every process imported and waiting before the race
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.cluster.identify_contender", str(start), backend,
            target, str(WINDOW), "2", *SHARDS, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 60)
    assert all(p.returncode == 0 for p in procs)
    return [json.loads(line) for out, _ in outputs for line in out.decode().splitlines()]


def assert_spaced(slots: list[dict], processes: int = 3) -> None:
    assert len(slots) == processes * len(SHARDS)
    for bucket in (0, 1):
        times = sorted(s["at"] for s in slots if s["shard"] % 2 == bucket)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= WINDOW - TOLERANCE, (bucket, gaps)
    first, last = min(s["at"] for s in slots), max(s["at"] for s in slots)
    serial = WINDOW * (len(slots) - 1)
    assert last - first < serial * 0.75  # the two buckets proceed side by side


@pytest.mark.redis
async def test_redis_limiter_spaces_identifies_across_processes(guildhall_redis_url: str) -> None:
    key = f"test:identify:{uuid.uuid4().hex[:8]}"
    assert_spaced(await contend("redis", f"{guildhall_redis_url}|{key}"))


async def test_file_limiter_spaces_identifies_across_processes(tmp_path: Path) -> None:
    assert_spaced(await contend("file", str(tmp_path)))


async def test_limiter_choice_and_lock_location(tmp_path: Path, guildhall_redis_url: str) -> None:
    local = make_settings(f"sqlite://{tmp_path}/bot.db", [])
    limiter = make_limiter(local, 4)
    assert isinstance(limiter, FileIdentifyLimiter)
    assert limiter.bucket_path(6) == tmp_path / "bot.db.identify-2.lock"
    assert limiter.hold == pytest.approx(5.25)  # window + margin by default
    postgres = make_settings("postgres://u@db.example:6432/gh", [])
    assert lock_location(postgres) == (Path("data"), "db.example-6432-gh")
    shared = make_settings("postgres://u@db:5432/gh", [], redis={"url": guildhall_redis_url},
                           cluster={"identify_key": "bot:ident", "identify_window_seconds": 1})
    redis_limiter = make_limiter(shared, 16)
    assert isinstance(redis_limiter, RedisIdentifyLimiter)
    assert redis_limiter.bucket_key(35) == "bot:ident:3" and redis_limiter.hold_ms == 1250
    await redis_limiter.close()
