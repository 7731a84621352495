"""Worker memory per 1,000 guilds: ``python -m tests.bench.cluster_memory [--guilds 1000]``.

Starts ``guildhall run`` (one worker, 2 shards, all six plugins, SQLite) against the
Discord double twice: with no guilds, then with ``--guilds`` guilds of ``--members``
members and 3 text channels each (members intent on, so members are cached as on
Discord). Prints the worker's resident memory (RSS from its status report, taken after
it reported "ready" and settled) for both, and the difference per 1,000 guilds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from core.runtime.config import BUILTIN_PLUGINS
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from tests.cluster.launcher_kit import Launcher, cluster_settings, statuses, wait_ready


async def worker_rss(guilds: int, members: int, workdir: Path) -> tuple[int, int]:
    """(RSS bytes, guilds seen) of one worker serving ``guilds`` guilds (``workdir`` exists)."""
    base = make_settings(f"sqlite://{workdir}/bench.db", list(BUILTIN_PLUGINS))
    settings = cluster_settings(base, workdir, shard_count=2, status_interval_seconds=1.0,
                                status_stale_seconds=5.0, heartbeat_timeout_seconds=120.0)
    async with DiscordDouble(shard_count=2, identify_window=0.3,
                             heartbeat_interval_ms=5000) as double:
        for n in range(guilds):
            guild = double.create_guild(f"guild {n}", channels=("general", "random", "log"))
            for m in range(members):
                double.add_member(guild, f"u{n}x{m}")
        launcher = await Launcher(settings, double, workdir / "run.log").start()
        try:
            await wait_ready(settings, 1, timeout=300)
            await asyncio.sleep(3)  # let start-up garbage settle, take the next report
            (status,) = (await statuses(settings)).values()
        finally:
            await launcher.stop()
    return status.rss_bytes, status.guilds


async def main() -> int:
    """Print one worker's RSS without and with the guilds (a figure: always exit 0)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--members", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, _ = await worker_rss(0, 0, Path(tempfile.mkdtemp(dir=tmp)))
        full, seen = await worker_rss(args.guilds, args.members, Path(tempfile.mkdtemp(dir=tmp)))
    mib = 2**20
    print(f"worker RSS, no guilds:            {empty / mib:7.1f} MiB")
    print(f"worker RSS, {seen:,} guilds x {args.members} members: {full / mib:7.1f} MiB")
    per_thousand = (full - empty) / mib * 1000 / max(seen, 1)
    print(f"per 1,000 guilds:                 {per_thousand:7.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
