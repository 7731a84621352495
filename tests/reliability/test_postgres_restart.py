"""PostgreSQL restarted under two workers: "try again" during the outage, quick recovery.

The throwaway server is stopped at once (as a crash) for ``DOWNTIME`` seconds while a
member keeps transferring coins and reading balances. During the outage every command
gets a short "try again" answer (never silence, never a generic failure); the pool
recovers within 10 s of the server; no transfer is half-applied (every balance equals
its ledger, the coins are all there). The longer run: ``python -m tests.bench.chaos_postgres``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.world import DemoWorld
from tests.reliability.postgres_restart import SEED, postgres_restart, report
from tests.reliability.throwaway_postgres import ThrowawayPostgres

pytestmark = pytest.mark.reliability
DOWNTIME = 4.0


@pytest.fixture
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    """A private PostgreSQL cluster (never the shared server)."""
    server = ThrowawayPostgres().start()
    yield server
    server.cleanup()


async def test_postgres_restart_recovers_without_half_applied_transfers(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, tmp_path: Path,
    throwaway_postgres: ThrowawayPostgres, guildhall_redis_url: str,
) -> None:
    settings = make_settings(throwaway_postgres.url, ["economy"],
                             redis={"url": guildhall_redis_url})
    f = await postgres_restart(guildhall_double, guildhall_demo, settings, tmp_path,
                               throwaway_postgres, DOWNTIME)
    print(f"\n{report(f, DOWNTIME)}")
    assert f.during.try_again >= 2 and not f.during.failed and not f.during.unanswered
    assert f.during.ok == 0  # nothing pretends to work without the database
    assert not f.edge.failed and not f.edge.unanswered
    assert not f.outside.failed and not f.outside.unanswered
    assert f.outside.try_again <= 3  # stale pooled connections, replaced at once
    assert f.recovery < 10.0
    assert f.sent <= f.committed <= f.sent + f.during.try_again
    assert f.total == 2 * SEED and not f.mismatches
