"""Worker memory: RSS of a bot in 1,000 and 10,000 guilds of 50 members, per profile.

    python -m tests.bench.memory                        # 1,000 and 10,000 guilds
    python -m tests.bench.memory --guilds 500,2000 --members 20

The Discord double (this process) serves ``N`` guilds of ``--members`` members, spread
over 4 shards (more above 8,000 guilds: at most 2,000 per shard, the same count for
every size). For each size, a fresh process starts one of three bots side by side:
``bare`` (a disnake ``AutoShardedBot`` with disnake's default caches and guildhall's
default intents), ``guildhall`` (a GuildhallBot with every built-in plugin under the
default profile: members and message content on, every member cached) and ``large`` (the
same GuildhallBot under ``[bot] profile = "large"``: no member cache, no chunking, the
plugins' intents). Each waits until every shard is ready and every guild arrived (members
cached where the profile caches them; for guildhall also its per-guild settings cache),
collects garbage and reports its resident set size (``VmRSS``). The table shows RSS per
size and MB per 1,000 guilds (the slope between the sizes, so the interpreter and imports
do not count).

Goals: the large profile at most 15 MB per 1,000 guilds, and the default profile at most
``GOAL_EXTRA`` (10%) above bare disnake's slope; exit codes as in ``tests/bench/common.py``
(3 when a goal is missed).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from disnake.ext import commands

from core.bot.guildhall_bot import GuildhallBot, build_intents
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import BUILTIN_PLUGINS
from core.testing.bot_fixtures import eventually, with_profile
from core.testing.double import DiscordDouble, run_client
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.session import settings_for_double
from tests.bench.common import bench_exit, child_report, database_factory

SHARDS = 4  # at least; more when the largest size needs them
GUILDS_PER_SHARD = 2000  # below Discord's (and the double's) 2,500, ids do not split evenly
KINDS = ("bare", "guildhall", "large")
LARGE_GOAL_MB = 15.0  # per 1,000 guilds, issue #23
GOAL_EXTRA = 0.10  # guildhall's MB per 1,000 guilds at most 10% above bare disnake's


def rss_mb() -> float:
    """This process's resident set size in MB (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def shard_count(sizes: list[int]) -> int:
    """Shards for every run: 4, or enough for the largest size."""
    return max(SHARDS, -(-max(sizes) // GUILDS_PER_SHARD))


async def child(kind: str, url: str, api_base: str, token: str, guilds: int,
                members: int, shards: int) -> None:
    """Connect one bot of ``kind`` to the double, wait for every guild, print its RSS."""
    settings = make_settings(url, list(BUILTIN_PLUGINS), leader={"duties": []})
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    double = DiscordDouble(token=token, shard_count=shards, identify_window=0.05)
    double.port = int(api_base.rsplit(":", 1)[1].split("/")[0])  # only for the URLs
    bot_settings = settings_for_double(settings, double)
    options: dict[str, Any] = {"guild_ready_timeout": 0.5, "shard_count": shards}
    bot: commands.AutoShardedBot
    if kind in ("guildhall", "large"):
        profile = "large" if kind == "large" else "default"
        bot = GuildhallBot(with_profile(bot_settings, profile), runtime.plugins, **options)
    else:
        bot = commands.AutoShardedBot(command_prefix="!", intents=build_intents(bot_settings),
                                      **options)
    started = time.perf_counter()
    running = await run_client(bot, double, timeout=600)
    cached = members if kind != "large" else 1  # the large profile caches only the bot

    def complete() -> bool:  # READY lists guilds as unavailable: wait for their GUILD_CREATE
        return len(bot.guilds) >= guilds and all(
            not g.unavailable and len(g.members) >= cached for g in bot.guilds) and (
            not isinstance(bot, GuildhallBot)  # and for the settings caches to be warm
            or all(bot.guild_configs.peek(g.id) is not None for g in bot.guilds))

    await eventually(complete, timeout=600, interval=0.2, message="not every guild arrived")
    ready = time.perf_counter() - started
    gc.collect()
    out = {"kind": kind, "guilds": len(bot.guilds), "members": sum(
        len(g.members) for g in bot.guilds), "rss_mb": rss_mb(), "ready_s": ready}
    await running.stop()
    await close_database()
    print(json.dumps(out), flush=True)


def build(double: DiscordDouble, guilds: int, members: int) -> None:
    """``guilds`` guilds with ``members`` members each (names ``g<n>m<i>``)."""
    for g in range(guilds):
        guild = double.create_guild(f"Guild {g}", channels=("general", "chat"))
        for i in range(members - 1):  # the owner is a member too
            double.add_member(guild, f"g{g}m{i}")


async def measure(kind: str, guilds: int, members: int, url: str, double: DiscordDouble,
                  shards: int) -> dict[str, Any]:
    """Run one child process and return its report."""
    return await child_report(
        "tests.bench.memory", kind, "--url", url,
        "--api-base", double.api_base, "--token", double.token, "--guilds", str(guilds),
        "--members", str(members), "--shards", str(shards),
        what=f"{kind} child with {guilds} guilds")


async def bench(args: argparse.Namespace) -> int:
    """Each size: a double with that world, one child per bot kind; then the table."""
    logging.basicConfig(level=logging.ERROR)
    rows: list[dict[str, Any]] = []
    async with database_factory(["sqlite"], prefix="bench-memory-") as factory:
        url = await factory.create_migrated(
            "sqlite", make_settings("sqlite://:memory:", list(BUILTIN_PLUGINS)))
        for guilds in args.sizes:
            double = await DiscordDouble(shard_count=args.shards, identify_window=0.05,
                                         heartbeat_interval_ms=30_000).start()
            try:
                build(double, guilds, args.members)
                for kind in KINDS:
                    print(f"{kind}: {guilds:,} guilds...", file=sys.stderr, flush=True)
                    rows.append(await measure(kind, guilds, args.members, url, double,
                                               args.shards))
            finally:
                await double.close()
    return report(rows, args)


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """Print the table and the summary line."""
    print(f"memory: guilds of {args.members} members on {args.shards} shards; bare = disnake's "
          "defaults, guildhall = default profile, large = [bot] profile \"large\"; RSS after "
          "every guild arrived and a gc.collect()")
    print(f"{'bot':<10} {'guilds':>7} {'members':>9} {'RSS MB':>8} {'ready s':>8}")
    for r in rows:
        print(f"{r['kind']:<10} {r['guilds']:>7,} {r['members']:>9,} {r['rss_mb']:>8.1f} "
              f"{r['ready_s']:>8.1f}")
    slopes = {}
    low, high = min(args.sizes), max(args.sizes)
    for kind in KINDS:
        by_size = {r["guilds"]: r["rss_mb"] for r in rows if r["kind"] == kind}
        if high != low and low in by_size and high in by_size:
            slopes[kind] = (by_size[high] - by_size[low]) / ((high - low) / 1000)
    extra = extra_memory(slopes)
    extra_met = extra is None or round(extra, 4) <= GOAL_EXTRA  # a slope is good to 0.1 MB
    large = slopes.get("large")
    large_met = large is not None and large <= LARGE_GOAL_MB
    verdict = "" if extra is None else (
        f"; guildhall adds {extra:.0%} (goal at most {GOAL_EXTRA:.0%}) -> "
        f"{'PASS' if extra_met else 'FAIL'}")
    verdict += f"; large <= {LARGE_GOAL_MB:g} MB -> {'PASS' if large_met else 'FAIL'}"
    print("summary: " + "; ".join(
        f"{kind} {mb:.1f} MB per 1,000 guilds" for kind, mb in slopes.items())
        + f" (slope {low:,} -> {high:,} guilds of {args.members} members){verdict}")
    return bench_exit(correct=True, goals_met=extra_met and large_met)


def extra_memory(slopes: dict[str, float]) -> float | None:
    """How much more memory per guild guildhall takes than bare disnake (0.04 = 4%);
    ``None`` without both slopes (a single size) or with a bare slope of zero or less."""
    if "guildhall" not in slopes or slopes.get("bare", 0.0) <= 0:
        return None
    return slopes["guildhall"] / slopes["bare"] - 1


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", default="1000,10000", help="sizes, comma-separated")
    parser.add_argument("--members", type=int, default=50, help="members per guild")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--shards", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(n) for n in args.guilds.split(",") if n})
    except ValueError:
        parser.error("--guilds takes numbers, comma-separated")
    if not args.sizes or min(args.sizes) < 1 or args.members < 2:
        parser.error("--guilds must be >= 1 and --members >= 2")
    if args.shards is None:
        args.shards = shard_count(args.sizes)
    return args


async def main(args: argparse.Namespace) -> int:
    """Child mode or the bench."""
    if args.child:
        await child(args.child, args.url, args.api_base, args.token, args.sizes[0],
                    args.members, args.shards)
        return 0
    return await bench(args)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
