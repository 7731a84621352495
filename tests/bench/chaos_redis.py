"""Chaos: Redis stopped for 30 s and restarted under two worker processes.

    python -m tests.bench.chaos_redis [--outage 30]

See :mod:`tests.reliability.redis_outage`. Exit 1 when a command failed or went
unanswered, leader work ran without Redis, a worker restarted, or work did not resume.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from tests.core.leader.leader_support import ThrowawayRedis
from tests.reliability.environment import bench_world
from tests.reliability.redis_outage import redis_outage


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chaos_redis")
    parser.add_argument("--outage", type=float, default=30.0, help="seconds")
    return parser.parse_args(argv)


async def main(argv: list[str]) -> int:
    """Run the scenario and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    redis = ThrowawayRedis().start()
    try:
        async with bench_world(["reminders"]) as world:
            f = await redis_outage(world.double, world.demo, world.settings, world.workdir,
                                   redis, args.outage)
    finally:
        redis.cleanup()
    probes = f["probes"]
    print(f"redis outage {args.outage:.0f} s: commands {probes.line()}; leader work paused "
          f"{f['pause']:.2f} s after the stop; leader again {f['resumed']:.2f} s, overdue "
          f"reminder {f['delivered_after']:.2f} s after the restart; restarts {f['restarts']}")
    ok = (not probes.failed and not probes.unanswered and not f["delivered_in_outage"]
          and f["alive"] and not f["restarts"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
