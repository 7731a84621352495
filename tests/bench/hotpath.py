"""Message hot path: a bare disnake bot vs. a GuildhallBot with all six plugins.

    python -m tests.bench.hotpath                        # 100,000 messages, 3 rounds, SQLite
    python -m tests.bench.hotpath --engine postgres --messages 20000 --rounds 1
    python -m tests.bench.hotpath --profile              # one profiled guildhall round

Both bots connect to the Discord double at the same time (1 shard; 10 guilds of 100
members, so 1,000 distinct members); then the same pre-built stream of MESSAGE_CREATE
payloads (author, partial member with roles, some mentions, a few unknown ``!commands``)
is fed through each shard's real ``DiscordWebSocket.received_message`` - JSON decoding,
disnake's parser, cache updates and event dispatch - yielding to the loop after each
message as the socket reader does. The bots take turns per chunk of 5,000 messages, so
both see the same machine load; a chunk ends when every event task it started ended.
The table shows medians over the passes of wall-clock and CPU rates (CPU time of this
process: less sensitive to other work on a shared machine; the verdict uses it).

Write amplification: SQL statements the ORM sent while the guildhall bot handled the
stream (plus its final flush), per 1,000 messages; and every XP award the leveling
buffer accepted must be in ``guild_members.xp`` after the bot closed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import pstats
import random
import sys
import time
from collections import Counter
from typing import Any

import disnake
from disnake.ext import commands

from core.bot.guildhall_bot import GuildhallBot, build_intents
from core.db.database import close_database
from core.db.models import GuildMember
from core.runtime.assembly import Runtime
from core.runtime.config import BUILTIN_PLUGINS, Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble, RunningClient, run_client
from core.testing.double.payloads import member_json, user_json
from core.testing.double.state import Channel, Member
from core.testing.pytest_plugin import make_settings
from core.testing.sandbox.session import settings_for_double
from tests.bench.common import (
    PG_URL,
    StatementCounter,
    bench_exit,
    database_factory,
    median,
)

log = logging.getLogger("bench.hotpath")
TARGET_RATIO = 0.95
TARGET_STATEMENTS = 5.0
WORDS = ("the raid starts at nine bring potions and a healer gg wp lol anyone up for "
         "dungeons tonight my build is broken patch notes are out nice clip").split()


class BareBot(commands.AutoShardedBot):
    """A plain disnake bot whose ``on_message`` does nothing."""

    async def on_message(self, message: disnake.Message) -> None:
        """Ignore the message."""


def build_world(double: DiscordDouble, guilds: int, members: int
                ) -> list[tuple[list[Channel], list[Member]]]:
    """``guilds`` guilds with three channels, two roles and ``members // guilds`` members."""
    world = []
    for g in range(guilds):
        guild = double.create_guild(f"Bench {g}", channels=("general", "random", "clips"))
        roles = [double.create_role(guild, name) for name in ("Regular", "Veteran")]
        people = [
            double.add_member(guild, f"user{g}-{i}", roles=roles[: i % 3])
            for i in range(members // guilds)
        ]
        channels = [c for c in double.world.channels.values() if c.guild_id == guild.id]
        world.append((channels, people))
    return world


def make_stream(double: DiscordDouble, world: list[tuple[list[Channel], list[Member]]],
                count: int, seed: int = 1) -> list[str]:
    """``count`` MESSAGE_CREATE gateway frames (JSON text), as Discord sends them."""
    rng = random.Random(seed)
    frames = []
    for n in range(count):
        channels, people = world[rng.randrange(len(world))]
        author = rng.choice(people)
        channel = rng.choice(channels)
        content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 18)))
        mentions = []
        roll = rng.random()
        if roll < 0.05:
            other = rng.choice(people)
            content = f"<@{other.id}> {content}"
            mention = user_json(other.user)
            mention["member"] = member_json(other, with_user=False)
            mentions.append(mention)
        elif roll < 0.06:
            content = f"!{rng.choice(WORDS)} {content}"
        data = {
            "id": str(double.ids.next()), "channel_id": str(channel.id),
            "guild_id": str(channel.guild_id), "author": user_json(author.user),
            "member": member_json(author, with_user=False), "content": content,
            "timestamp": "2026-11-25T15:00:00.000000+00:00", "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": mentions,
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": False,
            "type": 0, "flags": 0, "components": [], "nonce": str(n),
        }
        frames.append(json.dumps({"op": 0, "t": "MESSAGE_CREATE", "s": n + 10, "d": data}))
    return frames


async def feed(bot: commands.AutoShardedBot, stream: list[str]) -> tuple[float, float]:
    """Push ``stream`` through shard 0's websocket until every event task it started ended.

    Returns (wall-clock seconds, CPU seconds of this process).
    """
    ws = bot._get_websocket(shard_id=0)
    before = set(asyncio.all_tasks())
    cpu = time.process_time()
    started = time.perf_counter()
    for frame in stream:
        await ws.received_message(frame)
        await asyncio.sleep(0)
    fed = time.perf_counter()
    while True:
        pending = [t for t in asyncio.all_tasks() - before
                   if not t.done() and t.get_name().startswith("disnake: ")]
        if not pending:
            break
        await asyncio.wait(pending)
    ended = time.perf_counter()
    log.info("fed in %.2f s, drained in %.2f s", fed - started, ended - fed)
    return ended - started, time.process_time() - cpu


async def warmed(bot: GuildhallBot, timeout: float = 30.0) -> float:  # noqa: ASYNC109
    """Seconds until the bot's settings caches hold every guild (loaded on shard ready)."""
    leveling = bot.get_cog("Leveling")
    started = time.perf_counter()

    def full() -> bool:
        return all(bot.guild_configs.peek(g.id) is not None
                   and leveling.configs.peek(g.id) is not None  # type: ignore[union-attr]
                   for g in bot.guilds)

    await eventually(full, timeout=timeout, interval=0.01, message="caches not warmed")
    seconds = time.perf_counter() - started
    log.info("caches warm after %.3f s", seconds)
    return seconds


class XpTally:
    """What the leveling buffer accepted, per (user, guild): the expected database totals."""

    def __init__(self) -> None:
        self.awarded: Counter[tuple[int, int]] = Counter()

    def watch(self, bot: GuildhallBot) -> None:
        """Record every award the bot's leveling cog buffers from now on."""
        buffer = bot.get_cog("Leveling").buffer  # type: ignore[union-attr]
        add = buffer.add

        def recording(user_id: int, guild_id: int, amount: int, *args: Any, **kw: Any) -> None:
            add(user_id, guild_id, amount, *args, **kw)
            self.awarded[(user_id, guild_id)] += amount

        buffer.add = recording

    async def mismatches(self) -> int:
        """Members whose stored XP differs from what was awarded (after the final flush)."""
        rows = await GuildMember.all().values_list("user_id", "guild_id", "xp")
        stored = {(u, g): xp for u, g, xp in rows if xp}
        return sum(1 for key in set(stored) | set(self.awarded)
                   if stored.get(key, 0) != self.awarded.get(key, 0))


async def start_bots(double: DiscordDouble, bots: dict[str, commands.AutoShardedBot]
                     ) -> list[RunningClient]:
    """Connect every bot to the double (each its own session of shard 0); warm guildhall."""
    running = []
    for bot in bots.values():
        running.append(await run_client(bot, double, timeout=30))
        if isinstance(bot, GuildhallBot):
            await warmed(bot)
    return running


async def alternate(bots: dict[str, commands.AutoShardedBot], stream: list[str], chunk: int,
                    flip: bool) -> dict[str, tuple[float, float]]:
    """One pass over the stream, chunk by chunk, each chunk fed to every bot in turn.

    Interleaving keeps both bots under the same machine load; returns messages per wall
    second and per CPU second for each bot.
    """
    spent = {name: [0.0, 0.0] for name in bots}
    order = list(bots)
    for n, start in enumerate(range(0, len(stream), chunk)):
        part = stream[start:start + chunk]
        for name in (order if (n % 2 == 0) != flip else order[::-1]):
            wall, cpu = await feed(bots[name], part)
            spent[name][0] += wall
            spent[name][1] += cpu
    return {name: (len(stream) / w, len(stream) / c) for name, (w, c) in spent.items()}


async def bench(args: argparse.Namespace) -> int:
    """Run the rounds and print the table and summary."""
    logging.basicConfig(level=logging.ERROR)
    async with database_factory([args.engine], args.postgres_url, "bench-hotpath-") as factory:
        base = make_settings("sqlite://:memory:", list(BUILTIN_PLUGINS))
        url = await factory.create_migrated(args.engine, base)
        # production lease timings (the test kit's are 3 s / 1 s); timers only
        settings: Settings = make_settings(url, list(BUILTIN_PLUGINS), leader={
            "ttl_seconds": 15, "renew_seconds": 5})
        runtime = Runtime.from_settings(settings)
        await runtime.open_database()
        double = await DiscordDouble(shard_count=1, identify_window=0.05,
                                     heartbeat_interval_ms=10_000).start()
        try:
            return await measure(args, double, runtime, settings)
        finally:
            await double.close()
            await close_database()


async def measure(args: argparse.Namespace, double: DiscordDouble, runtime: Runtime,
                  settings: Settings) -> int:
    """Build the world and stream, alternate the bots, report."""
    world = build_world(double, args.guilds, args.members)
    stream = make_stream(double, world, args.messages)
    bot_settings = settings_for_double(settings, double)
    intents = build_intents(bot_settings)
    tally, counter = XpTally(), StatementCounter()

    def bare() -> commands.AutoShardedBot:
        return BareBot(command_prefix="!", intents=intents, guild_ready_timeout=0.1)

    def guildhall() -> commands.AutoShardedBot:
        return GuildhallBot(bot_settings, runtime.plugins, guild_ready_timeout=0.1)

    if args.profile:
        bot = guildhall()
        running = await start_bots(double, {"guildhall": bot})
        profile = cProfile.Profile()
        profile.enable()
        wall, _ = await feed(bot, stream)
        profile.disable()
        await running[0].stop(timeout=30)
        print(f"guildhall: {len(stream) / wall:,.0f} msg/s under the profiler")
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
        return 0
    rates: dict[str, list[tuple[float, float]]] = {"bare": [], "guildhall": []}
    with counter.active():
        bots = {"bare": bare(), "guildhall": guildhall()}
        running = await start_bots(double, bots)
        tally.watch(bots["guildhall"])  # type: ignore[arg-type]
        try:
            for n in range(args.rounds):
                for name, rate in (await alternate(bots, stream, args.chunk, n % 2 == 1)).items():
                    rates[name].append(rate)
                print(f"pass {n + 1}: bare {rates['bare'][-1][0]:,.0f} msg/s, guildhall "
                      f"{rates['guildhall'][-1][0]:,.0f} msg/s", file=sys.stderr, flush=True)
        finally:
            for runner in running:
                await runner.stop(timeout=30)  # guildhall flushes its buffers here
    wrong = await tally.mismatches()
    return report(args, rates, counter, tally, wrong)


def report(args: argparse.Namespace, rates: dict[str, list[tuple[float, float]]],
           counter: StatementCounter, tally: XpTally, wrong: int) -> int:
    """Print the table and the summary line; 0 when every target is met.

    The verdict uses CPU time (this process, so other work on the machine does not
    count); wall-clock rates are shown beside it.
    """
    wall = {k: [w for w, _ in v] for k, v in rates.items()}
    cpu = {k: [c for _, c in v] for k, v in rates.items()}
    ratio_wall = median(wall["guildhall"]) / median(wall["bare"])
    ratio = median(cpu["guildhall"]) / median(cpu["bare"])
    handled = args.messages * args.rounds
    per_k = counter.total / (handled / 1000)
    print(f"hot path: {args.messages:,} MESSAGE_CREATE x {args.rounds} rounds, "
          f"{args.members:,} members in {args.guilds} guilds, {args.engine}; "
          f"2-core machine shared with other work")
    print(f"{'bot':<22} {'msg/s wall':>11} {'msg/CPU s':>10}   rounds (wall)")
    for key, name in (("bare", "bare disnake"), ("guildhall", "guildhall (6 plugins)")):
        cells = ", ".join(f"{v:,.0f}" for v in wall[key])
        print(f"{name:<22} {median(wall[key]):>11,.0f} {median(cpu[key]):>10,.0f}   {cells}")
    print(f"ratio guildhall/bare: {ratio:.3f} by CPU time, {ratio_wall:.3f} by wall clock "
          f"(target >= {TARGET_RATIO})")
    print(f"statements: {counter.statements} + {counter.transactions} transactions x 2 "
          f"= {counter.total} for {handled:,} messages = {per_k:.2f} per 1,000 "
          f"(target <= {TARGET_STATEMENTS:g}); most frequent:")
    for sql, n in sorted(counter.by_sql.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {n:>6}  {sql}")
    print(f"xp: {sum(tally.awarded.values()):,} awarded to {len(tally.awarded):,} members; "
          f"{wrong} stored totals differ")
    ok = round(ratio, 2) >= TARGET_RATIO and per_k <= TARGET_STATEMENTS and wrong == 0
    print(f"summary: bare {median(wall['bare']):,.0f} msg/s, guildhall "
          f"{median(wall['guildhall']):,.0f} msg/s; ratio {ratio:.2f} (CPU) / "
          f"{ratio_wall:.2f} (wall); {per_k:.2f} statements per 1,000 messages; "
          f"xp exact: {wrong == 0} -> {'PASS' if ok else 'FAIL'}")
    return bench_exit(wrong == 0, round(ratio, 2) >= TARGET_RATIO and per_k <= TARGET_STATEMENTS)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.hotpath", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the stream")
    parser.add_argument("--chunk", type=int, default=5000,
                        help="messages fed to one bot before the other gets the same ones")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--profile", action="store_true", help="one profiled guildhall round")
    parser.add_argument("--sort", default="tottime", help="profile sort key")
    parser.add_argument("--top", type=int, default=30, help="profile rows")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.rounds < 1 or not 1 <= args.guilds <= args.members:
        parser.error("--messages and --rounds must be >= 1, 1 <= --guilds <= --members")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(bench(parse_args(sys.argv[1:]))))
