"""Chaos: SIGKILL the leader 10 times while 2,000 reminders and 200 temp bans fall due.

    python -m tests.bench.chaos_kills                      # 10 kills, 2,000 / 200, 2 minutes
    python -m tests.bench.chaos_kills --kills 5 --reminders 500 --bans 50 --spread 60

Three worker processes (PostgreSQL, Redis lease) against the Discord double; see
:mod:`tests.reliability.kills`. Exit 1 when a reminder or ban is lost, or a duplicate
falls outside a kill or a reminder shows twice in its channel; exit 3 (``GOAL_MISSED``) when
the slowest takeover exceeds ``TAKEOVER_GOAL`` (the lease's ``ttl_seconds`` plus one
``renew_seconds``: a dead leader's lease runs out, the next renewal attempt wins it) or a
reminder was more than ``LATE_GOAL`` late.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from tests.bench.common import bench_exit
from tests.reliability.environment import bench_world
from tests.reliability.kills import FAST_TAKEOVER, KillFigures, leader_kill_chaos

LEASE = FAST_TAKEOVER["leader"]
TAKEOVER_GOAL = float(LEASE["ttl_seconds"]) + float(LEASE["renew_seconds"])  # 2.5 s
LATE_GOAL = 3.0  # seconds: a takeover plus the scheduler's first pass


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chaos_kills")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--bans", type=int, default=200)
    parser.add_argument("--spread", type=float, default=120.0, help="seconds")
    parser.add_argument("--workers", type=int, default=3)
    return parser.parse_args(argv)


async def main(argv: list[str]) -> int:
    """Run the scenario and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    async with bench_world(["reminders", "moderation"]) as world:
        figures = await leader_kill_chaos(
            world.double, world.demo, world.settings, world.workdir, kills=args.kills,
            reminders=args.reminders, bans=args.bans, spread=args.spread, workers=args.workers,
        )
    print(figures.report())
    return verdict(figures)


def verdict(figures: KillFigures) -> int:
    """Print the goals' verdict; the exit code (see ``bench_exit``)."""
    correct = (figures.delivered == figures.reminders and figures.lifted == figures.bans
               and figures.duplicates_outside_kills == 0
               and figures.duplicated == 0)
    takeover = max(figures.takeovers, default=0.0)
    fast = takeover <= TAKEOVER_GOAL and figures.max_late <= LATE_GOAL
    print(f"summary: slowest takeover {takeover:.2f} s (goal <= {TAKEOVER_GOAL:g} s), latest "
          f"reminder {figures.max_late:.2f} s late (goal <= {LATE_GOAL:g} s), "
          f"{'correct' if correct else 'WRONG'} -> {'PASS' if correct and fast else 'FAIL'}")
    return bench_exit(correct, fast)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
