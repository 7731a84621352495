"""Dashboard leaderboard page at 1,000,000 members: server time of page 1 and a deep page.

Run: ``python -m tests.bench.dashboard`` (``--members 1000000``, ``--engines sqlite``,
``--runs 200``, ``--pg-url ...``). Each engine gets a fresh database migrated to head,
filled like :mod:`tests.bench.leaderboard` (plus coins, so the economy column has work),
then the whole page is requested through aiohttp: routing, session lookup, the keyset
query, the rank count, the richest list and the template. The time is measured inside
the server (a middleware around the handler), so the HTTP client does not count.
Goal: p99 < 50 ms for page 1 and the deep page on both engines (exit code 3 when missed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise import connections

from core.db.database import close_database
from core.db.models import GuildConfig
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.web.app import create_app
from plugins.leveling.web_board_data import Cursor
from tests.bench.common import bench_exit, quantile
from tests.bench.leaderboard import fill

GUILD = 1
GOAL_P99_MS = 50.0  # page 1 and the deep page


def settings_for(url: str) -> Settings:
    """Leveling and economy on; Discord unreachable at once (the guild name falls back)."""
    return Settings(
        database={"url": url}, plugins={"enabled": ["leveling", "economy"]},
        logging={"level": "WARNING"}, discord={"api_base": "http://127.0.0.1:9/api/v10"},
    )


def timing(samples: list[float]) -> Any:
    """A middleware recording each handler's time in milliseconds."""

    @web.middleware
    async def measure(request: web.Request, handler: Any) -> web.StreamResponse:
        start = time.perf_counter()
        try:
            return await handler(request)
        finally:
            samples.append((time.perf_counter() - start) * 1000)

    return measure


async def page_times(client: TestClient, path: str, samples: list[float], runs: int
                     ) -> tuple[float, float]:
    """p50/p99 (ms) of ``runs`` requests of ``path`` (after two warm-ups)."""
    for _ in range(2):
        assert (await client.get(path)).status == 200
    samples.clear()
    for _ in range(runs):
        response = await client.get(path)
        assert response.status == 200
        await response.read()
    return quantile(samples, 0.5), quantile(samples, 0.99)


def cells(times: tuple[float, float]) -> str:
    """``p50 p99`` for the table."""
    return f"{times[0]:8.2f} {times[1]:8.2f}"


async def measure(engine: str, url: str, members: int, runs: int) -> tuple[str, float]:
    """Migrate, fill, serve and time one database; the report line and the worst p99 of
    page 1 and the deep page."""
    runtime = Runtime.from_settings(settings_for(url))
    await runtime.upgrade()
    await runtime.open_database()
    try:
        started = time.perf_counter()
        await fill(engine, [members])
        conn = connections.get("default")
        await conn.execute_script(
            f'UPDATE "guild_members" SET "coins" = "xp" % 100000 WHERE "guild_id" = {GUILD}')
        await conn.execute_script("VACUUM ANALYZE" if engine == "postgres" else "ANALYZE")
        await GuildConfig.create(guild_id=GUILD, public_pages=True)
        filled = time.perf_counter() - started
        rows = await conn.execute_query_dict(
            'SELECT "xp", "user_id" FROM "guild_members" WHERE "guild_id" = 1 '
            f'ORDER BY "xp" DESC, "user_id" LIMIT 1 OFFSET {members // 2}')
        deep = Cursor(int(rows[0]["xp"]), int(rows[0]["user_id"]), members // 2 + 1).text()
        member = int(rows[0]["user_id"])
        samples: list[float] = []
        app = create_app(runtime)
        app.middlewares.insert(0, timing(samples))
        async with TestClient(TestServer(app)) as client:
            first = await page_times(client, f"/g/{GUILD}/leaderboard", samples, runs)
            middle = await page_times(client, f"/g/{GUILD}/leaderboard?after={deep}",
                                      samples, runs)
            jump = await page_times(client, f"/g/{GUILD}/leaderboard?member={member}",
                                    samples, max(10, runs // 10))
        line = (f"{engine:8} {members:>9,}  {cells(first)}  {cells(middle)}  {cells(jump)}   "
                f"(filled in {filled:.0f} s)")
        return line, max(first[1], middle[1])
    finally:
        await close_database()


async def main(args: argparse.Namespace) -> int:
    """Run on each engine and print the table; exit code as ``bench_exit``."""
    report = [f"{'engine':8} {'members':>9}  {'page1 p50':>8} {'p99':>8}  "
              f"{'deep p50':>8} {'p99':>8}  {'jump p50':>8} {'p99':>8}   (ms, server time; "
              f"deep: the page after rank {args.members // 2:,}; jump: ?member= at that rank)"]
    worst: dict[str, float] = {}
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                line, worst[engine] = await measure(
                    engine, f"sqlite://{Path(tmp) / 'bench.db'}", args.members, args.runs)
            report.append(line)
            continue
        name = f"gh_bench_web_{os.getpid()}"
        admin = await asyncpg.connect(urlsplit(args.pg_url)._replace(
            scheme="postgresql").geturl())
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = urlsplit(args.pg_url)._replace(path=f"/{name}").geturl()
            line, worst[engine] = await measure(engine, url, args.members, args.runs)
            report.append(line)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await admin.close()
    print("\n".join(report))
    ok = all(p99 < GOAL_P99_MS for p99 in worst.values())
    print("summary: " + "; ".join(f"{e} page 1 / deep p99 <= {p99:.1f} ms" for e, p99
                                  in worst.items())
          + f" (goal < {GOAL_P99_MS:g} ms) -> {'PASS' if ok else 'FAIL'}")
    return bench_exit(correct=True, goals_met=ok)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
