"""Case-number assignment: sequential and concurrent ``record_action`` on both engines.

    python -m tests.bench.moderation_cases                 # 1,000 sequential, 200 concurrent
    python -m tests.bench.moderation_cases --actions 5000 --concurrent 500

Each engine gets a fresh migrated database. Sequential: one guild, one action at a time
(the per-guild ``MAX + 1`` read and the insert in one transaction). Concurrent: that many
actions started at once in one guild; the unique index turns a collision into a retry.
The table shows actions per second and checks the numbers are exactly 1..N.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.testing.databases import DatabaseFactory
from core.testing.pytest_plugin import make_settings
from plugins.moderation import cases
from plugins.moderation.models import ModAction

PLUGINS = ["moderation"]


async def measure(engine: str, factory: DatabaseFactory, actions: int, concurrent: int) -> str:
    """One engine's row of the table."""
    url = await factory.create_migrated(engine, make_settings("sqlite://:memory:", PLUGINS))
    runtime = Runtime.from_settings(make_settings(url, PLUGINS))
    await runtime.open_database()
    try:
        start = time.perf_counter()
        for n in range(actions):
            await cases.record_action(1, 1, n, "warn")
        sequential = actions / (time.perf_counter() - start)
        start = time.perf_counter()
        await asyncio.gather(*(cases.record_action(2, 1, n, "warn") for n in range(concurrent)))
        parallel = concurrent / (time.perf_counter() - start)
        for guild, total in ((1, actions), (2, concurrent)):
            numbers = await ModAction.filter(guild_id=guild).values_list("case_number", flat=True)
            assert sorted(numbers) == list(range(1, total + 1)), f"gap or duplicate in {guild}"
    finally:
        await close_database()
        await factory.drop(url)
    return f"{engine:<9} {sequential:>10.0f}/s {parallel:>10.0f}/s   numbers 1..N exact"


async def main(args: argparse.Namespace) -> int:
    """Run the engines and print the table (a gap or duplicate raises: exit 1)."""
    logging.basicConfig(level=logging.ERROR)
    print(f"engine    sequential ({args.actions})  concurrent ({args.concurrent})")
    with tempfile.TemporaryDirectory() as workdir:
        engines = args.engines.split(",")
        pg_url = args.postgres_url if "postgres" in engines else None
        factory = DatabaseFactory(Path(workdir), pg_url)
        try:
            rows = [await measure(engine, factory, args.actions, args.concurrent)
                    for engine in engines]
            print("\n".join(rows))
        finally:
            await factory.drop_all()
    print(f"summary: case numbers exact 1..N on {', '.join(engines)} "
          f"({args.actions} sequential, {args.concurrent} concurrent actions)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "GUILDHALL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    sys.exit(asyncio.run(main(parser.parse_args())))
