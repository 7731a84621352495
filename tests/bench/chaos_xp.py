"""Chaos: SIGTERM a worker during heavy XP traffic again and again; no XP may be lost.

    python -m tests.bench.chaos_xp [--rounds 10] [--members 200] [--seconds 5]

See :mod:`tests.reliability.xp_sigterm`. Exit 1 when the stored XP differs from what the
worker awarded for any member, or a stop did not exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from tests.reliability.environment import bench_world
from tests.reliability.xp_sigterm import XP, xp_sigterm


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chaos_xp")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=5.0, help="traffic before SIGTERM")
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="postgres")
    return parser.parse_args(argv)


async def main(argv: list[str]) -> int:
    """Run the scenario and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    async with bench_world(["leveling"], args.engine) as world:
        f = await xp_sigterm(world.double, world.demo, world.settings, world.workdir,
                             rounds=args.rounds, members=args.members,
                             traffic_seconds=args.seconds)
    print(f.report())
    exact = f.stored == {user: XP * n for user, n in f.received.items()}
    return 0 if exact and set(f.exit_codes) == {0} else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
