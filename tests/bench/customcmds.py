"""Custom commands and analytics hot paths: rendering, batched writes, ``/stats`` reads.

    python -m tests.bench.customcmds                 # both engines
    python -m tests.bench.customcmds --engines sqlite

Prints: template rendering per call; one ``command_stats`` flush of 500 rows (the batch
size) vs. 500 single-row inserts (what an unbatched recorder would do); one use-count
flush for 500 commands vs. 500 single UPDATEs; ``top_commands`` over 30 days with
100,000 raw rows in the guild.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import timeit
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from tortoise import timezone

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.testing.databases import DatabaseFactory
from core.testing.pytest_plugin import make_settings
from plugins.analytics import service as stats
from plugins.analytics.models import CommandStat
from plugins.analytics.recorder import StatsRecorder
from plugins.customcmds import service
from plugins.customcmds.models import CustomCommand
from plugins.customcmds.render import Invocation, render

PLUGINS = ["customcmds", "analytics"]
TEMPLATE = "Hi {user.mention} in {server}: {args} {arg1} {random:a|b|c} {uses} {nope} @everyone"


def bench_render() -> float:
    """Microseconds per render of a typical template."""
    inv = Invocation(1, "alice", "Alice", "Guild", 50, 2, ("one", "two"), 7)
    runs = 20_000
    return timeit.timeit(lambda: render(TEMPLATE, inv), number=runs) / runs * 1e6


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    """Milliseconds one awaited call takes."""
    started = time.perf_counter()
    await action()
    return (time.perf_counter() - started) * 1000


async def bench_engine(engine: str, factory: DatabaseFactory) -> dict[str, float]:
    """The database figures on one fresh engine."""
    url = await factory.create_migrated(engine, make_settings("sqlite://:memory:", PLUGINS))
    runtime = Runtime.from_settings(make_settings(url, PLUGINS))
    await runtime.open_database()
    out: dict[str, float] = {}
    try:
        recorder = StatsRecorder(batch_rows=500)
        for i in range(500):
            recorder.record("ping", 1, i)
        out["stats flush, 500 rows (ms)"] = await timed(recorder.flush)

        async def singles() -> None:
            for i in range(500):
                await CommandStat.create(command_name="ping", guild_id=1, user_id=i)
        out["500 single inserts (ms)"] = await timed(singles)

        ids = [(await service.create(1, f"c{i}", "x", 1)).id for i in range(500)]
        uses = service.UsesBuffer()
        for cid in ids:
            uses.add(cid)
        out["uses flush, 500 commands (ms)"] = await timed(uses.flush)

        async def updates() -> None:
            for cid in ids:
                await CustomCommand.filter(id=cid).update(uses=2)
        out["500 single UPDATEs (ms)"] = await timed(updates)

        now = timezone.now()
        filler = StatsRecorder(batch_rows=10**6, max_rows=10**6)
        for i in range(100_000):
            filler.record(f"cmd{i % 40}", 7, i % 900, now - timedelta(minutes=i))
        await filler.flush()
        out["top_commands 30 days, 100k rows (ms)"] = await timed(
            lambda: stats.top_commands(7, 30))
    finally:
        await close_database()
        await factory.drop(url)
    return out


async def main(argv: list[str]) -> int:
    """Run the benchmarks and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "GUILDHALL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    render_us = bench_render()
    print(f"render: {render_us:.1f} µs per call")
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-customcmds-") as workdir:
        engines = args.engines.split(",")
        factory = DatabaseFactory(Path(workdir), args.postgres_url if "postgres" in engines
                                  else None)
        try:
            for engine in engines:
                figures[engine] = await bench_engine(engine, factory)
                for name, value in figures[engine].items():
                    print(f"{engine}: {name}: {value:.1f}")
        finally:
            await factory.drop_all()
    speedups = "; ".join(
        f"{engine} stats flush "
        f"{f['500 single inserts (ms)'] / f['stats flush, 500 rows (ms)']:.0f}x, uses flush "
        f"{f['500 single UPDATEs (ms)'] / f['uses flush, 500 commands (ms)']:.0f}x"
        " faster than row by row" for engine, f in figures.items())
    print(f"summary: render {render_us:.1f} µs; {speedups}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
