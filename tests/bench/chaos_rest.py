"""Chaos: 20% of REST calls fail (500 or 429) while 2,000 reminders and 200 bans fall due.

    python -m tests.bench.chaos_rest [--share 0.2] [--reminders 2000] [--bans 200]

See :mod:`tests.reliability.rest_faults`. Exit 1 when something was not delivered or
lifted, was delivered twice, or a 429's ``retry_after`` was not honoured.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from tests.reliability.environment import bench_world
from tests.reliability.rest_faults import RETRY_AFTER, rest_faults


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chaos_rest")
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--bans", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds")
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    return parser.parse_args(argv)


async def main(argv: list[str]) -> int:
    """Run the scenario and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    async with bench_world(["reminders", "moderation"], args.engine) as world:
        f = await rest_faults(world.double, world.demo, world.settings, share=args.share,
                              reminders=args.reminders, bans=args.bans, spread=args.spread)
    print(f.report())
    ok = (f.delivered == f.reminders and not f.duplicated and f.lifted == f.bans
          and (not f.gaps or min(f.gaps) >= RETRY_AFTER * 0.95))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
