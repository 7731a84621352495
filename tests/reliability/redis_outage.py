"""Scenario: Redis stopped for a while, then restarted, under two worker processes.

Shared by ``tests/reliability/test_redis_outage.py`` and ``python -m tests.bench.chaos_redis``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder
from tests.core.leader.leader_support import ThrowawayRedis
from tests.reliability.kills import deliveries, leader_of
from tests.reliability.outages import Probes, all_ready, probe_for, start_workers, when

COMMANDS = [("ping", None), ("remind", {"when": "1h", "text": "during the outage"}),
            ("reminders list", None)]


async def redis_outage(double: DiscordDouble, demo: DemoWorld, settings: Settings,
                       workdir: Path, redis: ThrowawayRedis, outage: float) -> dict:
    """Run the scenario; return its figures."""
    workers = start_workers(settings, double, workdir, redis={"url": redis.url})
    figures: dict = {"probes": Probes()}
    try:
        await all_ready(workers)
        due = datetime.now(UTC) + timedelta(seconds=3.5)
        await Reminder.create(user_id=demo.member.id, channel_id=demo.general.id,
                                    guild_id=demo.guild.id, message="R0", remind_at=due)
        redis.stop()
        stopped = time.time()
        paused = asyncio.create_task(when(lambda: not any(w.is_leader for w in workers),
                                          timeout=outage))
        await probe_for(outage, double, demo, figures["probes"], COMMANDS)
        figures["pause"] = await paused - stopped
        figures["delivered_in_outage"] = bool(deliveries(double))
        redis.start()
        restarted = time.time()
        leader = await eventually(lambda: leader_of(workers), timeout=30,
                                  message="a leader after Redis came back")
        won = leader.last("leader")
        figures["resumed"] = (won["t"] if won else time.time()) - restarted
        await eventually(lambda: deliveries(double), timeout=30,
                         message="the overdue reminder delivered")
        figures["delivered_after"] = min(deliveries(double)[0]) - restarted
        figures["restarts"] = sum(w.starts - 1 for w in workers)
        figures["alive"] = all(w.alive for w in workers)
    finally:
        for worker in workers:
            worker.close()
    return figures
