"""Timer lateness: the durable scheduler vs. the seed's one-minute polling loop.

    python -m tests.bench.timers                       # 10,000 timers over 60 s, both engines
    python -m tests.bench.timers --timers 2000 --spread 15 --engines sqlite

Each engine runs in its own process, both at the same time (the run takes about three
minutes). For each engine, a fresh migrated database gets N ``reminders`` due uniformly over
``--spread`` seconds (starting ``--lead`` seconds after insertion). The same due offsets are
then handled twice, each on its own fresh database: by :class:`core.timers.scheduler.Scheduler`
(default ``[scheduler]`` settings, the deployment's wake-up backend) and by the seed's
``@tasks.loop(minutes=1)`` that selects ``remind_at <= now`` and handles what it finds.
A trivial handler records ``handled_at - due_at``; the table shows p50/p99/max lateness.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from disnake.ext import tasks

from core.coordination import coordination_for
from core.db.database import close_database
from core.plugins.contracts import TimerSource
from core.runtime.assembly import Runtime
from core.runtime.config import SchedulerSettings, Settings
from core.testing.databases import DatabaseFactory
from core.testing.pytest_plugin import make_settings
from core.timers.scheduler import Scheduler
from tests.bench.common import bench_exit

PLUGINS = ["reminders"]
TARGET_P99 = 1.0


@dataclass
class Result:
    """Lateness samples of one method on one engine."""

    engine: str
    method: str
    expected: int
    lateness: list[float]
    duplicates: int

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the lateness, in seconds (nearest rank)."""
        ordered = sorted(self.lateness)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


@dataclass
class BenchTerm:
    """The leader term the scheduler runs under (one leader, epoch 1)."""

    epoch: int = 1
    identity: str = "bench"
    lost: asyncio.Event = field(default_factory=asyncio.Event)


class Tally:
    """Collects ``handled_at - due_at`` per row and signals when all rows were seen."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.lateness: dict[int, float] = {}
        self.duplicates = 0
        self.done = asyncio.Event()

    def record(self, row: object) -> None:
        """Record one handled row (the trivial handler's whole work)."""
        late = time.time() - row.remind_at.timestamp()  # type: ignore[attr-defined]
        if row.pk in self.lateness:  # type: ignore[attr-defined]
            self.duplicates += 1
        self.lateness[row.pk] = late  # type: ignore[attr-defined]
        if len(self.lateness) >= self.expected:
            self.done.set()


async def insert_timers(offsets: list[float], lead: float) -> None:
    """Insert one reminder per offset, due at ``now + lead + offset``."""
    from plugins.reminders.models import Reminder

    base = datetime.now(UTC) + timedelta(seconds=lead)
    for start in range(0, len(offsets), 1000):
        await Reminder.bulk_create([
            Reminder(user_id=1, channel_id=1, message="bench",
                     remind_at=base + timedelta(seconds=offset))
            for offset in offsets[start:start + 1000]
        ])


async def run_scheduler(settings: Settings, tally: Tally, deadline: float) -> None:
    """The durable scheduler with default settings, until every row was handled."""
    from plugins.reminders.models import Reminder

    async def handler(row: Reminder) -> bool:
        tally.record(row)
        return True

    source = TimerSource("bench.reminders", Reminder, "remind_at", {"completed": False},
                         handler, done_update={"completed": True})
    wakeups = coordination_for(settings).make_wakeups()
    scheduler = Scheduler([source], SchedulerSettings(), wakeups)

    term = BenchTerm()
    runner = asyncio.create_task(scheduler.run(term))
    try:
        await asyncio.wait_for(tally.done.wait(), deadline)
    finally:
        term.lost.set()
        await runner
        await wakeups.close()


async def run_seed_poll(settings: Settings, tally: Tally, deadline: float,
                        poll_seconds: float) -> None:
    """The seed's loop: every minute, handle every reminder with ``remind_at <= now``."""
    from plugins.reminders.models import Reminder

    @tasks.loop(seconds=poll_seconds)
    async def check_reminders() -> None:
        due = await Reminder.filter(remind_at__lte=datetime.now(UTC), completed=False)
        for row in due:
            tally.record(row)
        if due:
            await Reminder.filter(id__in=[r.id for r in due]).update(completed=True)

    check_reminders.start()
    try:
        await asyncio.wait_for(tally.done.wait(), deadline)
    finally:
        check_reminders.cancel()


async def measure(engine: str, method: str, factory: DatabaseFactory, offsets: list[float],
                  args: argparse.Namespace) -> Result:
    """One method on one engine, on a fresh database."""
    url = await factory.create_migrated(engine, make_settings("sqlite://:memory:", PLUGINS))
    settings = make_settings(url, PLUGINS)
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    tally = Tally(len(offsets))
    try:
        await insert_timers(offsets, args.lead)
        deadline = args.lead + args.spread + 60
        runs: dict[str, Callable[[], Awaitable[None]]] = {
            "scheduler": lambda: run_scheduler(settings, tally, deadline),
            "seed poll": lambda: run_seed_poll(
                settings, tally, deadline + 2 * args.poll_seconds, args.poll_seconds
            ),
        }
        await runs[method]()
    finally:
        await close_database()
        await factory.drop(url)
    return Result(engine, method, len(offsets), list(tally.lateness.values()), tally.duplicates)


def table(results: list[Result], args: argparse.Namespace) -> str:
    """The side-by-side table and the summary line."""
    lines = [
        f"timers: {args.timers} due uniformly over {args.spread:g} s; seed poll every "
        f"{args.poll_seconds:g} s; lateness = handled_at - due_at",
        f"{'engine':<10} {'method':<22} {'handled':>11} {'p50 (s)':>9} {'p99 (s)':>9} "
        f"{'max (s)':>9} {'mean (s)':>9} {'dupes':>6}",
    ]
    for r in results:
        name = r.method if r.method == "scheduler" else f"seed poll ({args.poll_seconds:g} s)"
        mean = statistics.fmean(r.lateness) if r.lateness else float("nan")
        lines.append(
            f"{r.engine:<10} {name:<22} {f'{len(r.lateness)}/{r.expected}':>11}"
            f" {r.quantile(0.5):>9.3f} {r.quantile(0.99):>9.3f} {max(r.lateness, default=0):>9.3f}"
            f" {mean:>9.3f} {r.duplicates:>6}"
        )
    sched = [r for r in results if r.method == "scheduler"]
    ok = all(len(r.lateness) == r.expected and r.quantile(0.99) < TARGET_P99 for r in sched)
    parts = [f"{r.engine} p99 {r.quantile(0.99):.3f} s" for r in sched]
    polls = [f"{r.engine} p99 {r.quantile(0.99):.1f} s" for r in results if r not in sched]
    lines.append(
        f"summary: scheduler {', '.join(parts)} (target < {TARGET_P99:g} s: "
        f"{'PASS' if ok else 'FAIL'}); seed poll {', '.join(polls) or 'not run'}"
    )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.timers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timers", type=int, default=10_000, help="rows (default 10000)")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--lead", type=float, default=3.0,
                        help="seconds between insertion and the first due time (default 3)")
    parser.add_argument("--poll-seconds", type=float, default=60.0,
                        help="the seed loop's interval (default 60, as in the seed)")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--methods", default="scheduler,seed poll")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgres-url", default=os.environ.get(
        "GUILDHALL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    if args.timers < 1 or args.spread <= 0 or args.lead < 0 or args.poll_seconds <= 0:
        parser.error("--timers must be >= 1, --spread and --poll-seconds > 0, --lead >= 0")
    engines = args.engines.split(",")
    if set(engines) - {"sqlite", "postgres"}:
        parser.error("--engines takes sqlite and/or postgres, comma-separated")
    methods = args.methods.split(",")
    if set(methods) - {"scheduler", "seed poll"}:
        parser.error('--methods takes "scheduler" and/or "seed poll", comma-separated')
    args.engine_list, args.method_list = engines, methods
    return args


async def engines_in_parallel(argv: list[str], engines: list[str]) -> list[Result]:
    """Run each engine in its own process at the same time (the ORM is per process)."""
    base = [a for a in argv if not a.startswith("--engines")]
    if "--engines" in argv:  # "--engines X" as two words
        i = argv.index("--engines")
        base = argv[:i] + argv[i + 2:]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.timers", *base, f"--engines={engine}", "--json",
            stdout=asyncio.subprocess.PIPE,
        )
        for engine in engines
    ]
    results = []
    for proc in procs:
        out, _ = await proc.communicate()
        results += [Result(**r) for r in json.loads(out.decode().strip().splitlines()[-1])]
    return results


def verdict(sched: list[Result]) -> int:
    """Every timer delivered (else 1); lateness p99 within the target (else GOAL_MISSED)."""
    return bench_exit(all(len(r.lateness) == r.expected for r in sched),
                      all(r.quantile(0.99) < TARGET_P99 for r in sched))


async def main(argv: list[str]) -> int:
    """Run every engine and method, print the table; exit code as ``bench_exit``."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if len(args.engine_list) > 1 and not args.json:
        results = await engines_in_parallel(argv, args.engine_list)
        print(table(results, args))
        sched = [r for r in results if r.method == "scheduler"]
        return verdict(sched)
    offsets = [args.spread * (i + 0.5) / args.timers for i in range(args.timers)]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-timers-") as workdir:
        pg_url = args.postgres_url if "postgres" in args.engine_list else None
        factory = DatabaseFactory(Path(workdir), pg_url)
        try:
            for engine in args.engine_list:
                for method in args.method_list:
                    started = time.monotonic()
                    print(f"running {method} on {engine}...", file=sys.stderr, flush=True)
                    results.append(await measure(engine, method, factory, offsets, args))
                    print(f"  done in {time.monotonic() - started:.0f} s", file=sys.stderr)
        finally:
            await factory.drop_all()
    if args.json:
        print(json.dumps([asdict(r) for r in results]))
        return 0
    print(table(results, args))
    sched = [r for r in results if r.method == "scheduler"]
    return verdict(sched)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
