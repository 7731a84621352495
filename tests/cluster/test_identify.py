"""The IDENTIFY limiter across real processes: Redis and the local lock-file backend."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path

import pytest

from cluster.identify import make_limiter
from core.coordination.identify import FileIdentifyLimiter, RedisIdentifyLimiter, lock_location
from core.testing.pytest_plugin import make_settings
from tests.helpers import ROOT

pytestmark = pytest.mark.processes

WINDOW = 0.3
SHARDS = ["0", "1", "2", "3", "0", "1"]  # 2 buckets: 3 slots each per process


async def contend(backend: str, target: str, processes: int = 3) -> list[dict]:
    """Start ``processes`` contenders, release them together once all are ready (however
    long imports take on a loaded machine), return every slot they printed."""
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.cluster.identify_contender", backend,
            target, str(WINDOW), "2", *SHARDS, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
            stdin=asyncio.subprocess.PIPE,
        )
        for _ in range(processes)
    ]
    for proc in procs:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 120)  # liveness only
        assert line.strip() == b"ready", line
    outputs = await asyncio.wait_for(
        asyncio.gather(*(p.communicate(b"go\n") for p in procs)), 120)
    assert all(p.returncode == 0 for p in procs)
    return [json.loads(line) for out, _ in outputs for line in out.decode().splitlines()]


def assert_spaced(slots: list[dict], processes: int = 3) -> None:
    """Each slot was taken at an unknown moment within ``[called, at]``; a slow process only
    widens that interval, so these checks hold however loaded the machine is.

    Same bucket: of two grants, the later one came at least WINDOW after the earlier, so
    one's ``at`` is at least WINDOW after the other's ``called``. Side by side: some grant
    of bucket 0 and some of bucket 1 lie within one WINDOW (a limiter serialising all
    buckets could never do that)."""
    assert len(slots) == processes * len(SHARDS)
    buckets = [[s for s in slots if s["shard"] % 2 == bucket] for bucket in (0, 1)]
    for grants in buckets:
        for i, a in enumerate(grants):
            for b in grants[i + 1:]:
                assert max(b["at"] - a["called"], a["at"] - b["called"]) >= WINDOW, (a, b)
    assert any(max(a["at"], b["at"]) - min(a["called"], b["called"]) < WINDOW
               for a in buckets[0] for b in buckets[1]), "the buckets never ran side by side"


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
