"""Scenario: SIGTERM a worker in the middle of heavy XP traffic, restart it, repeat.

Shared by ``tests/reliability/test_xp_sigterm.py`` and ``python -m tests.bench.chaos_xp``.
Every message earns exactly ``XP`` (cooldown 0, min = max) and the periodic flush is
off (300 s), so all XP sits in the buffer until the shutdown flush. The worker reports
the member messages it received; the database must hold exactly ``XP`` times that, per
member, after each stop.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.db.models import GuildMember
from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Member
from core.testing.sandbox.world import DemoWorld
from tests.reliability.processes import START, WorkerProcess, write_settings

XP = 10
LEVELING = {"flush_seconds": 300, "xp_min": XP, "xp_max": XP, "cooldown_seconds": 0}


@dataclass
class XpFigures:
    """What the scenario measured."""

    rounds: int = 0
    sent: int = 0
    received: Counter[int] = field(default_factory=Counter)  # by the worker, per member
    stored: dict[int, int] = field(default_factory=dict)  # XP in guild_members, per member
    exit_codes: list[int] = field(default_factory=list)
    stop_seconds: list[float] = field(default_factory=list)

    @property
    def awarded(self) -> int:
        """XP the worker awarded (one award per message received)."""
        return XP * sum(self.received.values())

    def report(self) -> str:
        """The figures as one line."""
        stored = sum(self.stored.values())
        return (f"{self.rounds} SIGTERMs mid-traffic: {self.sent} messages sent, "
                f"{sum(self.received.values())} received before the stop; XP awarded "
                f"{self.awarded}, stored {stored}, lost {self.awarded - stored}; exit codes "
                f"{self.exit_codes}; slowest stop {max(self.stop_seconds, default=0):.2f} s")


async def traffic(double: DiscordDouble, demo: DemoWorld, members: list[Member],
                  stop: asyncio.Event, figures: XpFigures) -> None:
    """Members post as fast as the double takes it until ``stop``."""
    i = 0
    while not stop.is_set():
        await double.send_message(demo.general, members[i % len(members)], f"xp {i}")
        figures.sent += 1
        i += 1
        if i % 20 == 0:
            await asyncio.sleep(0.005)


async def xp_sigterm(double: DiscordDouble, demo: DemoWorld, settings: Settings,
                     workdir: Path, *, rounds: int, members: int,
                     traffic_seconds: float) -> XpFigures:
    """Run ``rounds`` of: start, heavy traffic, SIGTERM while it goes on, wait for exit."""
    crowd = [double.add_member(demo.guild, f"talker{i}") for i in range(members)]
    plugins = {"enabled": ["leveling"], "leveling": LEVELING}
    path = write_settings(workdir / "worker.json", settings, double, plugins=plugins)
    figures = XpFigures()
    worker = WorkerProcess("xp", path, "--shards", "0", "2")
    try:
        for n in range(rounds):
            if n:
                worker.start()
            await eventually(lambda: worker.ready, timeout=START, message="the worker ready")
            stop = asyncio.Event()
            sender = asyncio.create_task(traffic(double, demo, crowd, stop, figures))
            await asyncio.sleep(traffic_seconds)
            worker.signal(15)  # SIGTERM while messages keep coming
            signalled = time.monotonic()
            figures.exit_codes.append(await worker.exited(60))
            figures.stop_seconds.append(time.monotonic() - signalled)
            stop.set()
            await sender
            stopped = worker.last("stopped") or {}
            figures.received.update({int(k): v for k, v in stopped.get("messages", {}).items()})
            figures.rounds += 1
    finally:
        worker.close()
    rows = await GuildMember.filter(guild_id=demo.guild.id,
                                    user_id__in=[m.id for m in crowd]).values_list("user_id", "xp")
    figures.stored = dict(rows)
    return figures
