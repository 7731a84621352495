"""SIGTERM during heavy XP traffic, then restart: no buffered XP is lost.

A worker process earns XP for 30 members posting as fast as they can; it is stopped
with SIGTERM while they keep posting, restarted, and stopped again. After each stop the
database holds exactly the XP of every message the worker received, per member, and the
worker exited 0. The longer run: ``python -m tests.bench.chaos_xp``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.reliability.xp_sigterm import XP, xp_sigterm

pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)]


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """Leveling only."""
    return ["leveling"]


async def test_sigterm_mid_traffic_loses_no_xp(
    guildhall_db, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, tmp_path: Path
) -> None:
    f = await xp_sigterm(guildhall_double, guildhall_demo, guildhall_db.settings, tmp_path,
                         rounds=2, members=30, traffic_seconds=2.0)
    print(f"\nXP SIGTERM: {f.report()}")
    assert f.exit_codes == [0, 0]
    assert sum(f.received.values()) > 100  # the stops really came under load
    assert f.stored == {user: XP * n for user, n in f.received.items()}
