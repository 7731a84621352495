"""Cluster start: 16 shards in 4 workers against the double, identify window shortened.

    python -m tests.bench.cluster_start                 # window 2 s, max_concurrency 4
    python -m tests.bench.cluster_start --window 1 --shards 8 --per-cluster 2

``guildhall run`` (the real launcher, spawning real worker processes with all six
plugins) starts against the Discord double, which enforces Discord's rule: one IDENTIFY
per ``window`` per bucket (``shard_id % max_concurrency``). With 16 shards and
max_concurrency 4 the shards need 4 identify rounds, so the theoretical minimum from the
first IDENTIFY to the last is 3 windows. Reported: that span as measured by the double,
against the minimum (target: within 10%), the identify violations (must be 0), and the
time from launch until every worker reported ready.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from core.runtime.config import BUILTIN_PLUGINS
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from tests.bench.common import bench_exit, database_factory
from tests.cluster.launcher_kit import (
    Launcher,
    cluster_settings,
    identify_minimum,
    identify_span,
    wait_ready,
)

TARGET = 1.10


async def bench(args: argparse.Namespace) -> int:
    """Launch, wait for every worker, stop, report."""
    logging.basicConfig(level=logging.WARNING)
    clusters = math.ceil(args.shards / args.per_cluster)
    rounds, minimum = identify_minimum(args.shards, args.max_concurrency, args.window)
    async with database_factory(["sqlite"], prefix="bench-cluster-") as factory:
        plugins = list(BUILTIN_PLUGINS)
        url = await factory.create_migrated("sqlite", make_settings("sqlite://:memory:", plugins))
        redis = os.environ.get("GUILDHALL_TEST_REDIS_URL", "")
        base = make_settings(url, plugins, **({"redis": {"url": redis}} if redis else {}))
        async with DiscordDouble(shard_count=args.shards, max_concurrency=args.max_concurrency,
                                 identify_window=args.window, heartbeat_interval_ms=5000,
                                 ) as double:
            for shard in range(args.shards):
                guild = double.create_guild(f"guild on shard {shard}", shard=shard)
                for i in range(5):
                    double.add_member(guild, f"s{shard}m{i}")
            with tempfile.TemporaryDirectory() as tmp:
                settings = cluster_settings(
                    base, Path(tmp), shard_count=args.shards, shards_per_cluster=args.per_cluster,
                    identify_window_seconds=args.window,
                    identify_margin_seconds=args.margin, guild_ready_timeout_seconds=0.1,
                    status_interval_seconds=0.2,
                )
                launcher = Launcher(settings, double, Path(tmp) / "launcher.log")
                started = time.perf_counter()
                await launcher.start()
                try:
                    await wait_ready(settings, clusters, timeout=240)
                    all_ready = time.perf_counter() - started
                finally:
                    code = await launcher.stop()
            accepted, span = identify_span(double)
            violations = double.gateway.identify_violations
    ratio = span / minimum if minimum else float("nan")
    print(f"cluster start: {args.shards} shards in {clusters} workers, max_concurrency "
          f"{args.max_concurrency}, identify window {args.window:g} s (+{args.margin:g} s "
          f"margin), all six plugins, Redis limiter: {bool(redis)}; 2-core shared machine")
    print(f"{'identifies':>10} {'first->last s':>14} {'minimum s':>10} {'ratio':>6} "
          f"{'violations':>10} {'launch->all ready s':>20} {'exit':>5}")
    print(f"{accepted:>10} {span:>14.2f} {minimum:>10.2f} {ratio:>6.3f} {violations:>10} "
          f"{all_ready:>20.1f} {code:>5}")
    correct = violations == 0 and code == 0 and accepted == args.shards
    ok = correct and ratio <= TARGET
    print(f"summary: identify span {span:.2f} s vs minimum {minimum:.2f} s ({rounds} rounds) = "
          f"{ratio:.2f}x (target <= {TARGET:.2f}x), {violations} violations, all {clusters} "
          f"workers ready {all_ready:.1f} s after launch -> {'PASS' if ok else 'FAIL'}")
    return bench_exit(correct, ratio <= TARGET)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cluster_start",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--per-cluster", type=int, default=4)
    parser.add_argument("--max-concurrency", type=int, default=4)
    parser.add_argument("--window", type=float, default=2.0, help="identify window, seconds")
    parser.add_argument("--margin", type=float, default=0.05,
                        help="the limiter's safety margin per window, seconds")
    args = parser.parse_args(argv)
    if min(args.shards, args.per_cluster, args.max_concurrency) < 1 or args.window <= 0:
        parser.error("--shards, --per-cluster, --max-concurrency >= 1 and --window > 0")
    if args.shards <= args.max_concurrency:
        parser.error("--shards must exceed --max-concurrency (one round has no span)")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(bench(parse_args(sys.argv[1:]))))
