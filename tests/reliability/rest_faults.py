"""Scenario: the double fails a share of REST calls with 500 or 429 while timers fall due.

Shared by ``tests/reliability/test_rest_faults.py`` and ``python -m tests.bench.chaos_rest``.
A real GuildhallBot (this process) leads and delivers reminders and lifts temp bans;
every failed call is retried (disnake for 429 and 5xx, then the scheduler with backoff)
until all succeed. :func:`retry_after_gaps` checks that after each 429 the bot waited
``retry_after`` before calling that rate-limit bucket again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.runtime.assembly import Runtime
from core.runtime.config import SchedulerSettings, Settings
from core.testing.bot_fixtures import eventually, settings_for_double
from core.testing.double import DiscordDouble, RecordedRequest, run_client
from core.testing.sandbox.world import DemoWorld
from tests.reliability.kills import deliveries, seed

RETRY_AFTER = 0.25
CHANNELS = 10
FAST_RETRIES = SchedulerSettings(retry_base_seconds=0.3, retry_max_seconds=2.0,
                                 claim_seconds=30.0, safety_recheck_seconds=2.0)


@dataclass
class RestFigures:
    """What the scenario measured."""

    calls: int = 0
    failed_500: int = 0
    failed_429: int = 0
    reminders: int = 0
    delivered: int = 0
    duplicated: int = 0
    bans: int = 0
    lifted: int = 0
    gaps: list[float] = field(default_factory=list)  # waited after each 429, seconds
    seconds: float = 0.0

    def report(self) -> str:
        """The figures as one line."""
        shortest = min(self.gaps, default=float("nan"))
        return (f"{self.calls} REST calls, {self.failed_500} answered 500 and "
                f"{self.failed_429} answered 429; reminders {self.delivered}/{self.reminders} "
                f"delivered ({self.duplicated} twice), bans {self.lifted}/{self.bans} lifted, "
                f"in {self.seconds:.1f} s; shortest wait after a 429 {shortest:.3f} s "
                f"(retry_after {RETRY_AFTER} s)")


def bucket(request: RecordedRequest) -> tuple[Any, ...]:
    """disnake's rate-limit bucket of a request: route and its major parameters."""
    params = request.params
    return (request.method, request.route, params.get("channel_id"), params.get("guild_id"),
            params.get("webhook_id"))


def retry_after_gaps(requests: list[RecordedRequest]) -> list[float]:
    """For each 429, the time until the next request of its bucket started."""
    ordered = sorted(requests, key=lambda r: r.timestamp)
    gaps = []
    for i, request in enumerate(ordered):
        if request.status != 429:
            continue
        key = bucket(request)
        nxt = next((r for r in ordered[i + 1:] if bucket(r) == key), None)
        if nxt is not None:
            gaps.append(nxt.timestamp - request.timestamp)
    return gaps


async def rest_faults(double: DiscordDouble, demo: DemoWorld, settings: Settings, *,
                      share: float, reminders: int, bans: int, spread: float) -> RestFigures:
    """Run the scenario with ``share`` of calls failing (half 500, half 429)."""
    tuned = settings_for_double(settings, double).model_copy(update={"scheduler": FAST_RETRIES})
    bot = GuildhallBot(tuned, Runtime.from_settings(tuned).plugins, guild_ready_timeout=0.1)
    running = await run_client(bot, double)
    figures = RestFigures(reminders=reminders, bans=bans)
    try:
        await eventually(lambda: bot.leader is not None and bot.leader.is_leader, timeout=30,
                         message="the bot did not become leader")
        first = len(double.requests)
        double.faults.fail_share(share / 2, status=500)
        double.faults.fail_share(share / 2 / (1 - share / 2), status=429,
                                 retry_after=RETRY_AFTER)
        before = set(demo.guild.bans)
        started = time.monotonic()
        # several channels: disnake holds a bucket during its 5xx back-off (1 s, 3 s, ...)
        await seed(double, demo, reminders, bans, lead=1.0, spread=spread, channels=CHANNELS)
        banned = set(demo.guild.bans) - before
        await eventually(lambda: len(deliveries(double)) >= reminders
                         and not banned & set(demo.guild.bans),
                         timeout=60 + spread + reminders / 10, interval=0.2,
                         message="every reminder delivered and every ban lifted")
        figures.seconds = time.monotonic() - started
    finally:
        double.faults.clear()
        await running.stop()
    calls = list(double.requests)[first:]
    figures.calls = len(calls)
    figures.failed_500 = sum(1 for r in calls if r.status == 500)
    figures.failed_429 = sum(1 for r in calls if r.status == 429)
    sent = deliveries(double)
    figures.delivered = len(sent)
    figures.duplicated = sum(len(t) - 1 for t in sent.values())
    figures.lifted = len(banned - set(demo.guild.bans))
    figures.gaps = retry_after_gaps(calls)
    return figures
