"""Leaderboard and /rank latency in guilds of 10k, 100k and 1M members, SQLite vs PostgreSQL.

Run: ``python -m tests.bench.leaderboard --members 1000000`` (``--engines sqlite``,
``--runs 50``, ``--pg-url postgres://postgres@127.0.0.1:5432/postgres``). Each engine gets
a fresh database migrated to head (so with the real indexes, including
``idx_guild_members_guild_xp``), filled in bulk (a recursive CTE on SQLite,
``generate_series`` on PostgreSQL), analysed, then queried through ``core.services.xp``
exactly as the commands do: page 1, a random page number (``/leaderboard page``, found
through the bucket counts of ``core.services.xp_ranks``), the page halfway down by keyset
(the Next button), ``/rank`` of random members, and the dashboard's jump to them
(``?member=``, ``plugins.leveling.web_board_data.member_cursor``). Before timing, page
jumps, positions and ranks at random places are compared with a full count (OFFSET and
COUNT): a difference exits 1. Each size's line ends in PASS/FAIL against 5 ms p99.
``--without-composite-index`` drops
``(guild_id, xp)`` first. Goals at the largest size: page 1 < 10 ms p99; rank, member jump
and page jump < 5 ms p99 (issue #23); exit codes as in ``tests/bench/common.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from tortoise import connections

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.services import xp
from plugins.leveling import web_board_data
from tests.bench.common import bench_exit

SIZES = (10_000, 100_000, 1_000_000)
MAX_XP = 1_000_000
TARGET_MS = 10.0
JUMP_TARGET_MS = 5.0  # /rank, the jump to a member, the jump to a page number
FIGURES: dict[tuple[str, int], list[tuple[float, float]]] = {}  # (engine, size) -> p50/p99s
CORRECT: dict[tuple[str, int], bool] = {}  # (engine, size) -> exact against a full count


def settings_for(url: str) -> Settings:
    """Settings for the bench database (leveling enabled, quiet logs)."""
    return Settings(
        database={"url": url}, plugins={"enabled": ["leveling"]}, logging={"level": "WARNING"}
    )


async def fill(engine: str, sizes: list[int]) -> None:
    """Users 1..max(sizes); guild ``i + 1`` holds the first ``sizes[i]`` users."""
    conn = connections.get("default")
    top = max(sizes)
    if engine == "postgres":
        await conn.execute_script(
            f"INSERT INTO users (user_id, username) "
            f"SELECT g, 'user' || g FROM generate_series(1, {top}) g"
        )
        for guild, size in enumerate(sizes, start=1):
            await conn.execute_script(
                f"INSERT INTO guild_members (user_id, guild_id, xp, level) "
                f"SELECT g, {guild}, (random() * {MAX_XP})::int, 1 "
                f"FROM generate_series(1, {size}) g"
            )
        await conn.execute_script("VACUUM ANALYZE")  # what autovacuum leaves in production
        return
    series = "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
    await conn.execute_script(
        series.format(n=top) + "INSERT INTO users (user_id, username) "
        "SELECT i, 'user' || i FROM s"
    )
    for guild, size in enumerate(sizes, start=1):
        await conn.execute_script(
            series.format(n=size) + "INSERT INTO guild_members (user_id, guild_id, xp, level) "
            f"SELECT i, {guild}, abs(random()) % {MAX_XP}, 1 FROM s"
        )
    await conn.execute_script("ANALYZE")


async def timed(call: Callable[[], Awaitable[Any]], runs: int) -> tuple[float, float]:
    """p50 and p99 latency of ``call`` in milliseconds (after one warm-up call)."""
    return await timed_each([call] * runs)


async def timed_each(calls: list[Callable[[], Awaitable[Any]]]) -> tuple[float, float]:
    """p50 and p99 latency in milliseconds over ``calls``, each timed once (after one
    warm-up of the first)."""
    await calls[0]()
    samples = []
    for call in calls:
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return statistics.median(samples), p99


async def full_count_page(guild: int, offset: int, limit: int) -> list[tuple[int, int]]:
    """``(user_id, xp)`` of a page by a plain OFFSET: what the bucket jump must return."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        'SELECT "user_id", "xp" FROM "guild_members" WHERE "guild_id" = '
        f'{int(guild)} ORDER BY "xp" DESC, "user_id" LIMIT {int(limit)} OFFSET {int(offset)}'
    )
    return [(int(r["user_id"]), int(r["xp"])) for r in rows]


async def exact(guild: int, size: int, rng: random.Random) -> bool:
    """Whether page jumps, member positions and ranks at random places equal a full count."""
    for offset in [0, size - 1, *rng.sample(range(size), min(size, 5))]:
        got = [(r.user_id, r.xp) for r in await xp.leaderboard(guild, offset, 11)]
        want = await full_count_page(guild, offset, 11)
        if got != want:
            print(f"WRONG page at offset {offset} of guild {guild}: {got[:2]} != {want[:2]}")
            return False
        user_id, total = want[0]
        if await xp.member_position(guild, total, user_id) != offset + 1:
            print(f"WRONG position of user {user_id} (offset {offset}) in guild {guild}")
            return False
        ahead = await connections.get("default").execute_query_dict(
            'SELECT COUNT(*) AS "n" FROM "guild_members" WHERE "guild_id" = '
            f'{int(guild)} AND "xp" > {int(total)}'
        )
        if await xp.rank_position(guild, total) != int(ahead[0]["n"]) + 1:
            print(f"WRONG rank of XP {total} in guild {guild}")
            return False
    return True


async def measure(engine: str, url: str, sizes: list[int], runs: int, drop: bool) -> list[str]:
    """Migrate, fill and query one database; return the report lines."""
    runtime = Runtime.from_settings(settings_for(url))
    await runtime.upgrade()
    await runtime.open_database()
    lines = []
    rng = random.Random(23)
    try:
        started = time.perf_counter()
        await fill(engine, sizes)
        lines.append(f"{engine}: filled {sum(sizes):,} members in "
                     f"{time.perf_counter() - started:.1f} s (bucket counts kept by triggers)")
        if drop:
            await connections.get("default").execute_script(
                'DROP INDEX IF EXISTS "idx_guild_members_guild_xp"'
            )
        for guild, size in enumerate(sizes, start=1):
            CORRECT[(engine, size)] = await exact(guild, size, rng)
            deep = (size // 2) // 10 * 10
            edge = (await xp.leaderboard(guild, deep - 1, 1))[0]  # last row of the page above
            pages = [rng.randrange(max(1, size // 10)) * 10 for _ in range(runs)]  # any page number
            members = [
                (await xp.leaderboard(guild, rng.randrange(size), 1))[0] for _ in range(runs)
            ]
            results = [
                await timed(lambda g=guild: xp.leaderboard(g, 0, 11), runs),
                await timed_each([lambda g=guild, p=p: xp.leaderboard(g, p, 11) for p in pages]),
                await timed(lambda g=guild, e=edge: xp.leaderboard_from(g, e.xp, e.user_id, 11),
                            runs),
                await timed_each([lambda g=guild, m=m: xp.rank_position(g, m.xp)
                                  for m in members]),
                await timed_each([lambda g=guild, m=m: web_board_data.member_cursor(g, m.user_id)
                                  for m in members]),
            ]
            met = max(p99 for _, p99 in (results[1], results[3], results[4])) < JUMP_TARGET_MS
            cells = "  ".join(f"{p50:8.2f} {p99:8.2f}" for p50, p99 in results)
            verdict = ("PASS" if met else "FAIL") if CORRECT[(engine, size)] else "WRONG"
            lines.append(f"{engine:8} {size:>9,}  {cells}  {verdict}")
            FIGURES[(engine, size)] = results
    finally:
        await close_database()
    return lines


async def main(args: argparse.Namespace) -> int:
    """Run the bench on each engine and print the table; exit code as ``bench_exit``."""
    sizes = [s for s in SIZES if s < args.members] + [args.members]
    CORRECT.clear()
    header = (f"{'engine':8} {'members':>9}  {'page 1 p50':>8} {'p99':>8}  "
              f"{'jump p50':>8} {'p99':>8}  {'keyset p50':>8} {'p99':>8}  "
              f"{'rank p50':>8} {'p99':>8}  {'member p50':>8} {'p99':>8}   (ms; jump = "
              "the jump to a random page number, keyset = the page halfway down by its Next "
              "button, rank = /rank of a random member, member = the dashboard's jump to a "
              f"random member; PASS: jump, rank and member p99 < {JUMP_TARGET_MS:g} ms, "
              "all exact against a full count)")
    report = [header]
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite://{Path(tmp) / 'bench.db'}"
                report += await measure(engine, url, sizes, args.runs, args.drop)
            continue
        name = f"gh_bench_{os.getpid()}"
        admin_dsn = urlsplit(args.pg_url)._replace(scheme="postgresql").geturl()
        admin = await asyncpg.connect(admin_dsn)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = urlsplit(args.pg_url)._replace(path=f"/{name}").geturl()
            report += await measure(engine, url, sizes, args.runs, args.drop)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await admin.close()
    print("\n".join(report))
    top = max(sizes)
    parts, ok = [], True
    for engine in args.engines.split(","):
        (_, page1), (_, jump), (_, keyset), (_, rank), (_, member) = FIGURES[(engine, top)]
        ok = ok and page1 < TARGET_MS and max(jump, rank, member) < JUMP_TARGET_MS
        parts.append(f"{engine} top-10 p99 {page1:.2f} ms, page jump p99 {jump:.2f} ms, "
                     f"rank p99 {rank:.2f} ms, member jump p99 {member:.2f} ms, "
                     f"deep keyset p99 {keyset:.2f} ms")
    correct = all(CORRECT.values())
    print(f"summary at {top:,} members: {'; '.join(parts)} (targets: top-10 < {TARGET_MS:g} "
          f"ms p99; page jump, rank, member jump < {JUMP_TARGET_MS:g} ms p99; exact: "
          f"{'yes' if correct else 'NO'}) -> {'PASS' if ok and correct else 'FAIL'}")
    return bench_exit(correct=correct, goals_met=ok)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="largest guild")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--without-composite-index", dest="drop", action="store_true")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
