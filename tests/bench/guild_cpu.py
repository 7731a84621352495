"""CPU per message at N guilds per worker: does a message cost more in a bigger worker?

    python -m tests.bench.guild_cpu                         # 1,000 and 12,500 guilds
    python -m tests.bench.guild_cpu --guilds 500,2000 --messages 4000
    python -m tests.bench.guild_cpu --guilds 12500 --profile   # where the CPU goes

The Discord double (this process) serves ``N`` guilds of ``--members`` members (a text
channel each) on enough shards (at most 2,000 guilds a shard). For each size a fresh
process runs a GuildhallBot with every built-in plugin under ``[bot] profile = "large"``
(a scale-run worker) until every guild arrived and its settings are warm, then feeds
``--messages`` MESSAGE_CREATE frames round every guild (authors who have not spoken yet,
as in the scale run: each earns XP) through shard 0's real websocket handler, ``--rounds``
turns per mode, the modes interleaved so that both see the same machine load. The caches'
clock (``core.services.cache``) advances ``1 / --rate`` seconds per message: the worker
receives ``--rate`` messages a second, so a guild speaks every ``N / rate`` seconds, as it
would in production (a turn takes far less real time than that). The bulk reloads the
bot's flush loops run (``refresh_due``) run at their production intervals of that
simulated time, with the flush of user activity and XP (leveling's ``flush_seconds``,
core's ``activity_flush_seconds``; the real loops are slowed down), counted in the turn's
CPU.

- ``before``: the per-guild settings caches (guild config, plugin switches, leveling)
  as before issue #23's fix: an expired entry served for at most one more TTL (60 s, 300 s,
  60 s), so a guild quiet for longer loads its settings alone on its next message;
- ``now``: the code as it is: an expired entry is served however long its guild was quiet
  (``UNTIL_RELOADED``) and reloaded in bulk, and the TTLs are 300 s.

Figures: this process's CPU time per message (not wall time: the machine is shared) and,
of it, the garbage collector's (``gc.callbacks``). Goal: in ``now`` mode, CPU per
message at the largest size at most ``GOAL_GROWTH`` (1.5x) the smallest size's; exit
codes as in ``tests/bench/common.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import logging
import pstats
import random
import sys
import time
from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import BUILTIN_PLUGINS, BotSettings
from core.services import cache, plugin_switches
from core.testing.bot_fixtures import eventually, with_profile
from core.testing.double import DiscordDouble, run_client
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.session import settings_for_double
from plugins.leveling.settings import LevelingSettings
from tests.bench.common import bench_exit, child_report, database_factory, median

GUILDS_PER_SHARD = 2000
MODES = ("before", "now")
# the settings caches' (TTL, served-stale bound) before issue #23's fix, in settings_caches order
BEFORE = ((60.0, 60.0), (300.0, 300.0), (60.0, 60.0))
GOAL_GROWTH = 1.5
WORDS = "gg wp the raid starts at nine bring potions anyone up for dungeons tonight".split()


class GcClock:
    """Seconds the garbage collector ran, and collections per generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started
            self.collections[info["generation"]] += 1


def frames(bot: GuildhallBot, count: int, seed: int) -> list[str]:
    """``count`` MESSAGE_CREATE frames round every guild, each from a new author."""
    rng = random.Random(seed)
    guilds = bot.guilds
    out = []
    for n in range(count):
        guild = guilds[n % len(guilds)]
        channel = guild.text_channels[0]
        user_id = 10**17 + seed * 10**7 + n
        data = {
            "id": str(10**18 + seed * 10**7 + n), "channel_id": str(channel.id),
            "guild_id": str(guild.id),
            "author": {"id": str(user_id), "username": f"u{user_id}", "discriminator": "0",
                       "global_name": None, "avatar": None},
            "member": {"roles": [], "joined_at": "2026-11-25T15:00:00.000000+00:00",
                       "deaf": False, "mute": False, "flags": 0},
            "content": " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12))),
            "timestamp": "2026-11-25T15:00:00.000000+00:00", "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0,
            "components": [], "nonce": str(n),
        }
        out.append(json.dumps({"op": 0, "t": "MESSAGE_CREATE", "s": n + 10, "d": data}))
    return out


class CacheClock:
    """The settings caches' clock: real time plus the simulated time the stream took."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.ahead


def settings_caches(bot: GuildhallBot) -> list[Any]:
    """The per-guild settings caches the message hot path reads."""
    leveling = bot.get_cog("Leveling")
    return [bot.guild_configs._cache, plugin_switches._cache,
            leveling.configs._cache]  # type: ignore[union-attr]


async def feed(bot: GuildhallBot, stream: list[str], clock: GcClock, cache_clock: CacheClock,
               rate: float) -> dict[str, float]:
    """Push ``stream`` through shard 0, ``1 / rate`` simulated seconds apart, then the bulk
    reloads; CPU and GC seconds spent until every task it started ended."""
    ws = bot._get_websocket(shard_id=0)
    leveling = bot.get_cog("Leveling")
    before = set(asyncio.all_tasks())
    gc_before, cpu, wall = clock.seconds, time.process_time(), time.perf_counter()
    # the flush loops' work at their production intervals of simulated time (their real
    # loops are slowed down in the child): each turn pays for its own writes and reloads
    core_every = max(1, round(rate * BotSettings().activity_flush_seconds))
    leveling_every = max(1, round(rate * LevelingSettings().flush_seconds))
    for n, frame in enumerate(stream, 1):
        cache_clock.ahead += 1 / rate
        await ws.received_message(frame)
        await asyncio.sleep(0)
        if n % leveling_every == 0 or n == len(stream):
            await leveling.configs.refresh_due()  # type: ignore[union-attr]
        if n % core_every == 0 or n == len(stream):
            await bot.flush()  # user activity and every plugin's buffers (XP)
            await bot.guild_configs.refresh_due()
            await plugin_switches.refresh_due()
    while pending := [t for t in asyncio.all_tasks() - before
                      if not t.done() and t.get_name().startswith("disnake: ")]:
        await asyncio.wait(pending)
    return {"cpu": time.process_time() - cpu, "gc": clock.seconds - gc_before,
            "wall": time.perf_counter() - wall}


async def child(args: argparse.Namespace) -> None:
    """One worker-sized bot: start, then alternate the modes; print a JSON report."""
    settings = make_settings(  # the flush loops' work runs in feed(), on simulated time
        args.url, list(BUILTIN_PLUGINS), leader={"duties": []},
        bot={"activity_flush_seconds": 3600})
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    double = DiscordDouble(token=args.token, shard_count=args.shards, identify_window=0.05)
    double.port = int(args.api_base.rsplit(":", 1)[1].split("/")[0])
    bot = GuildhallBot(with_profile(settings_for_double(settings, double), "large"),
                       runtime.plugins, guild_ready_timeout=0.5, shard_count=args.shards)
    running = await run_client(bot, double, timeout=900)
    leveling = bot.get_cog("Leveling")
    guilds = args.sizes[0]
    await eventually(lambda: len(bot.guilds) >= guilds and all(
        not g.unavailable and bot.guild_configs.peek(g.id) is not None
        and leveling.configs.peek(g.id) is not None  # type: ignore[union-attr]
        for g in bot.guilds), timeout=900, interval=0.5, message="not every guild arrived")
    leveling.settings = leveling.settings.model_copy(  # type: ignore[union-attr]
        update={"flush_seconds": 300})  # its loop's work runs in feed(), on simulated time
    clock = GcClock()
    gc.callbacks.append(clock)
    cache_clock = CacheClock()
    cache._monotonic = cache_clock
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    now = [(c.ttl, c.max_stale) for c in settings_caches(bot)]
    profile = cProfile.Profile() if args.profile else None
    for n in range(args.rounds):
        for mode in (MODES if n % 2 == 0 else MODES[::-1]):
            for settings_cache, old, new in zip(settings_caches(bot), BEFORE, now, strict=True):
                settings_cache.ttl, settings_cache.max_stale = old if mode == "before" else new
            stream = frames(bot, args.messages, seed=n * 2 + (mode == "before"))
            if profile is not None and mode == args.profile:
                profile.enable()
            results[mode].append(await feed(bot, stream, clock, cache_clock, args.rate))
            if profile is not None:
                profile.disable()
    gc.callbacks.remove(clock)
    await running.stop(timeout=60)
    await close_database()
    if profile is not None:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    print(json.dumps({"guilds": len(bot.guilds), "results": results,
                      "collections": clock.collections}), flush=True)


async def measure(args: argparse.Namespace, guilds: int, url: str,
                  double: DiscordDouble) -> dict[str, Any]:
    """Run one child process for ``guilds`` and return its report."""
    return await child_report(
        "tests.bench.guild_cpu", "--url", url,
        "--api-base", double.api_base, "--token", double.token, "--guilds", str(guilds),
        "--shards", str(double.config.shard_count), "--messages", str(args.messages),
        "--rounds", str(args.rounds), "--rate", str(args.rate),
        *(["--profile", args.profile] if args.profile else []),
        what=f"child with {guilds} guilds")


async def bench(args: argparse.Namespace) -> int:
    """Each size: a double with that world and one child; then the table."""
    logging.basicConfig(level=logging.ERROR)
    reports = []
    async with database_factory(["sqlite"], prefix="bench-guild-cpu-") as factory:
        url = await factory.create_migrated(
            "sqlite", make_settings("sqlite://:memory:", list(BUILTIN_PLUGINS)))
        for guilds in args.sizes:
            shards = max(1, -(-guilds // GUILDS_PER_SHARD))
            double = await DiscordDouble(shard_count=shards, identify_window=0.05,
                                         heartbeat_interval_ms=30_000).start()
            try:
                for g in range(guilds):
                    guild = double.create_guild(f"Guild {g}", channels=("general",))
                    for i in range(args.members - 1):  # the owner is a member too
                        double.add_member(guild, f"g{g}m{i}")
                print(f"{guilds:,} guilds...", file=sys.stderr, flush=True)
                reports.append(await measure(args, guilds, url, double))
            finally:
                await double.close()
    return report(reports, args)


def per_message(runs: list[dict[str, float]], key: str, messages: int) -> float:
    """Median milliseconds of ``key`` (cpu or gc) per message over the turns."""
    return median([r[key] for r in runs]) / messages * 1000


def report(reports: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """Print the table and the summary line."""
    print(f"guild_cpu: one GuildhallBot (large profile, every built-in plugin) per size, "
          f"{args.messages:,} messages x {args.rounds} turns per mode, interleaved, "
          f"{args.rate:g} msg/s per worker (simulated); "
          "ms of process CPU per message (median), of which garbage collection")
    print(f"{'guilds':>8} {'mode':<7} {'CPU ms/msg':>11} {'GC ms/msg':>10}   turns (CPU ms/msg)")
    cpu: dict[tuple[int, str], float] = {}
    for r in reports:
        for mode in MODES:
            runs = r["results"][mode]
            cpu[(r["guilds"], mode)] = per_message(runs, "cpu", args.messages)
            cells = ", ".join(f"{x['cpu'] / args.messages * 1000:.3f}" for x in runs)
            print(f"{r['guilds']:>8,} {mode:<7} {cpu[(r['guilds'], mode)]:>11.3f} "
                  f"{per_message(runs, 'gc', args.messages):>10.3f}   {cells}")
    low, high = reports[0]["guilds"], reports[-1]["guilds"]
    growth = {mode: cpu[(high, mode)] / cpu[(low, mode)] for mode in MODES}
    met = round(growth["now"], 2) <= GOAL_GROWTH
    print(f"summary: CPU per message {low:,} -> {high:,} guilds per worker at {args.rate:g} "
          f"msg/s: before {cpu[(low, 'before')]:.3f} -> {cpu[(high, 'before')]:.3f} ms "
          f"({growth['before']:.2f}x), now {cpu[(low, 'now')]:.3f} -> {cpu[(high, 'now')]:.3f} "
          f"ms ({growth['now']:.2f}x; goal <= {GOAL_GROWTH}x) -> {'PASS' if met else 'FAIL'}")
    return bench_exit(correct=True, goals_met=met)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.guild_cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", default="1000,12500", help="sizes, comma-separated")
    parser.add_argument("--members", type=int, default=10, help="members per guild")
    parser.add_argument("--messages", type=int, default=15_000, help="messages per turn")
    parser.add_argument("--rounds", type=int, default=2, help="turns per mode")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="messages a second the worker receives (simulated time)")
    parser.add_argument("--profile", choices=MODES,
                        help="print a cProfile of this mode's turns (stderr)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--shards", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(n) for n in args.guilds.split(",") if n})
    except ValueError:
        parser.error("--guilds takes numbers, comma-separated")
    if not args.sizes or min(args.sizes) < 1 or args.members < 1 or args.messages < 1 \
            or args.rounds < 1 or args.rate <= 0:
        parser.error("--guilds, --members, --messages and --rounds must be >= 1, --rate > 0")
    return args


async def main(args: argparse.Namespace) -> int:
    """Child mode or the bench."""
    if args.child:
        await child(args)
        return 0
    return await bench(args)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
