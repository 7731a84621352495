"""Redis stopped, then restarted: commands keep working, leader work pauses and resumes.

Two worker processes (one per shard, PostgreSQL) lease through a throwaway
``redis-server``; it is killed for ``OUTAGE`` seconds (30 in
``python -m tests.bench.chaos_redis``) while a member keeps using commands and a reminder
falls due. Nobody leads while Redis is gone (no lease, no double leader); after the
restart a leader is elected again and the overdue reminder is delivered; no worker
crashed or restarted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.core.leader.leader_support import ThrowawayRedis
from tests.reliability.outages import Probes
from tests.reliability.redis_outage import redis_outage

pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)]
OUTAGE = 8.0


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """Reminders: commands that write, and a timer the leader must deliver."""
    return ["reminders"]


@pytest.fixture
def redis_server() -> Iterator[ThrowawayRedis]:
    """A private redis-server (never the shared one)."""
    server = ThrowawayRedis().start()
    yield server
    server.cleanup()


async def test_redis_outage_pauses_leader_work_only(
    guildhall_db, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    tmp_path: Path, redis_server: ThrowawayRedis,
) -> None:
    f = await redis_outage(guildhall_double, guildhall_demo, guildhall_db.settings, tmp_path,
                           redis_server, OUTAGE)
    probes: Probes = f["probes"]
    print(f"\nredis outage {OUTAGE:.0f} s: commands {probes.line()}; leader work paused "
          f"{f['pause']:.2f} s after the stop; leader again {f['resumed']:.2f} s and the "
          f"overdue reminder {f['delivered_after']:.2f} s after the restart; "
          f"worker restarts {f['restarts']}")
    assert probes.ok >= 6 and not probes.failed and probes.unanswered == 0
    assert not f["delivered_in_outage"]
    assert f["alive"] and f["restarts"] == 0
    assert f["resumed"] < 10 and f["delivered_after"] < 15
