"""SIGKILL the leader 3 times while 200 reminders and 20 temp bans fall due (~20 s).

Three real worker processes (PostgreSQL, Redis lease) against the double; the killed
leader is restarted at once, as the launcher would. Every reminder is delivered and every
ban lifted (counted in the double); a reminder may be sent again after a kill, but its
nonce makes that re-send return the message already posted, so none shows twice in the
channel. The full run: ``python -m tests.bench.chaos_kills``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.reliability.kills import leader_kill_chaos

pytestmark = [pytest.mark.reliability,
              pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)]


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """The plugins with timers."""
    return ["reminders", "moderation"]


async def test_leader_killed_three_times_loses_nothing(
    guildhall_db, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, tmp_path: Path
) -> None:
    figures = await leader_kill_chaos(
        guildhall_double, guildhall_demo, guildhall_db.settings, tmp_path,
        kills=3, reminders=200, bans=20, spread=20.0,
    )
    print(f"\nleader kills: {figures.report()}")
    assert figures.delivered == figures.reminders
    assert figures.lifted == figures.bans
    assert figures.duplicates_outside_kills == 0
    assert figures.duplicated == 0  # re-sends (figures.resent) are answered by nonce
    assert max(figures.takeovers) < 10.0
