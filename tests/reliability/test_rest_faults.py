"""20% of REST calls fail with 500 or 429: every reminder and temp ban still goes through.

A real bot leads (this process) against the double, which answers a random 10% of calls
with 500 and 10% with 429 (``retry_after`` 0.25 s) while 40 reminders and 8 temp bans
fall due. All are delivered or lifted exactly once; after every 429 the bot waited at
least ``retry_after`` before calling that bucket again. The bigger run:
``python -m tests.bench.chaos_rest``.
"""

from __future__ import annotations

import pytest

from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.reliability.rest_faults import RETRY_AFTER, rest_faults

# The retry path does not depend on the engine: SQLite keeps the run short.
pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)]


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """The plugins with timers."""
    return ["reminders", "moderation"]


async def test_failed_rest_calls_are_retried_until_all_succeed(
    guildhall_db, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    f = await rest_faults(guildhall_double, guildhall_demo, guildhall_db.settings,
                          share=0.2, reminders=40, bans=8, spread=4.0)
    print(f"\nREST faults: {f.report()}")
    assert f.failed_500 > 0 and f.failed_429 > 0
    assert 0.05 < (f.failed_500 + f.failed_429) / f.calls < 0.4  # 20% drawn at random
    assert f.delivered == f.reminders and f.duplicated == 0
    assert f.lifted == f.bans
    assert f.gaps and min(f.gaps) >= RETRY_AFTER * 0.95
