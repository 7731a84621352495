"""Scenario: SIGKILL the leader again and again while reminders and temp bans fall due.

Shared by ``tests/reliability/test_leader_kills.py`` (scaled down) and
``python -m tests.bench.chaos_kills`` (10 kills, 2,000 reminders, 200 bans, 2 minutes).
Everything is counted in the double: each reminder's messages, each ban's lifting.

A leader killed between posting a reminder and its "completed" write leaves it due, and the
next leader sends it again; the delivery's ``nonce`` (``enforce_nonce``) makes the double
answer that re-send with the message already posted. So a reminder may be *sent* more than
once across a kill (``resent``), but is *visible* in its channel once (``duplicated``).
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.state import Ban
from core.testing.sandbox.world import DemoWorld
from plugins.moderation.models import TempPunishment
from plugins.reminders.models import Reminder
from tests.reliability.processes import START, WorkerProcess, write_settings

REMINDER = re.compile(r"reminder: R(\d+)\b")
UNBAN_ROUTE = "/guilds/{guild_id}/bans/{user_id}"
FAST_TAKEOVER = {
    "leader": {"ttl_seconds": 2.0, "renew_seconds": 0.5, "duties": ["timers"]},
    "scheduler": {"claim_seconds": 4.0, "retry_base_seconds": 0.5, "retry_max_seconds": 2.0,
                  "safety_recheck_seconds": 2.0},
}


@dataclass
class KillFigures:
    """What the scenario measured."""

    kills: list[float] = field(default_factory=list)
    takeovers: list[float] = field(default_factory=list)  # kill -> next leader, seconds
    reminders: int = 0
    delivered: int = 0
    duplicated: int = 0  # extra messages visible in the channel
    resent: int = 0  # extra successful sends (answered with the original message by nonce)
    duplicates_outside_kills: int = 0
    bans: int = 0
    lifted: int = 0
    unban_calls: int = 0
    max_late: float = 0.0

    def report(self) -> str:
        """One line per figure."""
        takeover = max(self.takeovers, default=0.0)
        return (f"kills {len(self.kills)}, slowest takeover {takeover:.2f} s; reminders "
                f"{self.delivered}/{self.reminders} delivered, lost "
                f"{self.reminders - self.delivered}, duplicated {self.duplicated} "
                f"({self.duplicates_outside_kills} outside a kill; {self.resent} re-sends "
                f"answered by nonce), latest {self.max_late:.1f} "
                f"s late; temp bans {self.lifted}/{self.bans} lifted ({self.unban_calls} "
                "unban calls)")


async def seed(double: DiscordDouble, demo: DemoWorld, reminders: int, bans: int,
               lead: float, spread: float, channels: int = 1) -> datetime:
    """Reminders (over ``channels`` channels) and temp bans falling due evenly from
    ``lead`` s to ``lead + spread`` s."""
    start = datetime.now(UTC) + timedelta(seconds=lead)
    targets = [demo.general.id] + [double.create_channel(demo.guild, f"remind-{k}").id
                                   for k in range(1, channels)]

    def due(i: int, n: int) -> datetime:
        return start + timedelta(seconds=spread * i / max(n, 1))

    await Reminder.bulk_create([
        Reminder(user_id=demo.member.id, channel_id=targets[i % channels],
                 guild_id=demo.guild.id, message=f"R{i}", remind_at=due(i, reminders))
        for i in range(reminders)
    ], batch_size=500)
    punishments = []
    for j in range(bans):
        user = double.create_user(f"banned{j}")
        demo.guild.bans[user.id] = Ban(user, "chaos")
        punishments.append(TempPunishment(user_id=user.id, guild_id=demo.guild.id,
                                          punishment_type="ban", expires_at=due(j, bans)))
    await TempPunishment.bulk_create(punishments, batch_size=500)
    return start


def deliveries(double: DiscordDouble) -> dict[int, list[float]]:
    """Reminder number -> wall times of every message delivering it."""
    out: dict[int, list[float]] = {}
    for request in double.requests.filter("POST", "/channels/{channel_id}/messages"):
        content = (request.json or {}).get("content") or ""
        match = REMINDER.search(content)
        if match and request.status is not None and request.status < 300:
            out.setdefault(int(match.group(1)), []).append(request.wall_time)
    return out


def visible_deliveries(double: DiscordDouble) -> dict[int, list[float]]:
    """Reminder number -> creation times of every message delivering it that the double
    created (a re-send answered by its nonce with the original message creates none)."""
    out: dict[int, list[float]] = {}
    for message in double.bot_messages:
        match = REMINDER.search(message.content)
        if match and not message.deleted:
            created = datetime.fromisoformat(message.timestamp).timestamp()
            out.setdefault(int(match.group(1)), []).append(created)
    return out


def leader_of(workers: list[WorkerProcess]) -> WorkerProcess | None:
    """The worker that reports holding the lease, if exactly one does."""
    leading = [w for w in workers if w.is_leader]
    return leading[0] if len(leading) == 1 else None


async def leader_kill_chaos(
    double: DiscordDouble, demo: DemoWorld, settings: Settings, workdir: Path, *,
    kills: int, reminders: int, bans: int, spread: float, workers: int = 3,
) -> KillFigures:
    """Run the scenario; return its figures (the caller asserts)."""
    path = write_settings(workdir / "worker.json", settings, double, **FAST_TAKEOVER)
    procs = [WorkerProcess(f"w{i}", path) for i in range(workers)]
    figures = KillFigures(reminders=reminders, bans=bans)
    before = set(demo.guild.bans)
    try:
        await eventually(lambda: all(p.ready for p in procs) and leader_of(procs),
                         timeout=START, message="workers ready with one leader")
        start = await seed(double, demo, reminders, bans, lead=2.0, spread=spread)
        banned = set(demo.guild.bans) - before
        for k in range(kills):
            await asyncio.sleep(max(0.0, (start.timestamp() + spread * (k + 0.5) / kills)
                                    - time.time()))
            leader = await eventually(lambda: leader_of(procs), timeout=START,
                                      message="a leader before the kill")
            leader.signal(signal.SIGKILL)
            killed_at = time.time()
            figures.kills.append(killed_at)
            await leader.exited(10)
            leader.start()  # the supervisor restarts it; it rejoins as a candidate
            nxt = await eventually(lambda: leader_of(procs), timeout=START,
                                   message="a new leader after the kill")
            won = nxt.last("leader")
            figures.takeovers.append((won["t"] if won else time.time()) - killed_at)

        def finished() -> bool:
            return (len(deliveries(double)) >= reminders
                    and not banned & set(demo.guild.bans))

        await eventually(finished, timeout=60 + spread, interval=0.2,
                         message="every reminder delivered and every ban lifted")
    finally:
        for proc in procs:
            proc.close()
    measure(figures, double, banned, start, spread)
    return figures


def measure(figures: KillFigures, double: DiscordDouble, banned: set[int],
            start: datetime, spread: float) -> None:
    """Fill the delivery, duplicate, lateness and unban figures."""
    figures.resent = sum(len(times) - 1 for times in deliveries(double).values())
    sent = visible_deliveries(double)
    figures.delivered = len(sent)
    figures.duplicated = sum(len(times) - 1 for times in sent.values())
    for times in sent.values():
        for first, again in zip(times, times[1:], strict=False):
            if not any(first - 1.0 <= k <= again for k in figures.kills):
                figures.duplicates_outside_kills += 1
    n = max(figures.reminders, 1)
    late = [min(t) - start.timestamp() - spread * i / n for i, t in sent.items()]
    figures.max_late = max(late, default=0.0)
    calls = double.requests.filter("DELETE", UNBAN_ROUTE)
    figures.unban_calls = len(calls)
    lifted = Counter(int(c.path.rsplit("/", 1)[1]) for c in calls if c.status == 204)
    figures.lifted = len(banned & set(lifted))
