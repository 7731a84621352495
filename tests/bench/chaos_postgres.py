"""Chaos: the PostgreSQL server crashes and restarts under two worker processes.

    python -m tests.bench.chaos_postgres [--downtime 30]

A throwaway cluster (initdb/pg_ctl on a free port) is stopped at once for ``--downtime``
seconds while a member transfers coins; see :mod:`tests.reliability.postgres_restart`.
Exit 1 when a command failed or went unanswered, the pool took 10 s or more to recover,
or a transfer was half-applied.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

import disnake

from core.testing import services
from core.testing.bot_fixtures import FAST_DOUBLE
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.world import build_demo_world
from tests.bench.common import bench_exit
from tests.reliability.postgres_restart import SEED, postgres_restart, report
from tests.reliability.throwaway_postgres import ThrowawayPostgres


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.chaos_postgres")
    parser.add_argument("--downtime", type=float, default=30.0, help="seconds")
    return parser.parse_args(argv)


async def main(argv: list[str]) -> int:
    """Run the scenario and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    redis, reason = services.redis()
    if redis is None:
        raise SystemExit(f"Redis is needed: {reason}")
    pg = ThrowawayPostgres().start()
    previous = disnake.http.Route.BASE
    double = await DiscordDouble(**FAST_DOUBLE).start()
    try:
        with tempfile.TemporaryDirectory(prefix="guildhall-chaos-") as workdir:
            settings = make_settings(pg.url, ["economy"], redis={"url": redis.url})
            f = await postgres_restart(double, build_demo_world(double), settings,
                                       Path(workdir), pg, args.downtime)
    finally:
        await double.close()
        disnake.http.Route.BASE = previous
        pg.cleanup()
        redis.stop()
    print(report(f, args.downtime))
    correct = (not f.during.failed and not f.during.unanswered and not f.outside.failed
               and f.total == 2 * SEED and not f.mismatches)
    return bench_exit(correct, f.recovery < 10)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
