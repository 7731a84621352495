"""Maintenance under load: archive old transactions while a writer adds 500 rows per second.

    python -m tests.bench.archive                      # 5,000,000 rows, PostgreSQL
    python -m tests.bench.archive --engines sqlite --rows 500000

A fresh migrated database gets ``--rows`` transactions dated 100-400 days ago, loaded in
bulk inside the server (``generate_series`` on PostgreSQL, a recursive CTE on SQLite; no
ORM row by row). A writer in ANOTHER process (as a worker would be) then inserts ledger
rows at a fixed 500 per second, open loop (each write starts on schedule, however slow
the last one was); ``--writer-mode deposit`` uses the economy service's ``deposit``
(balance update plus ledger row in one transaction) instead. After a baseline of a few
seconds this process runs the real archive job (``economy.transactions.archive`` through
``core.maintenance.jobs.run_policy``: one cutoff, batches of ``[maintenance] batch_size``,
copy + delete per batch transaction). Reported: the writer's latency p50/p99/max before
and during the archive, and the row counts: every old row must be in
``transactions_archive`` exactly once and every write in ``transactions``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections

from core.db.database import close_database, placeholders
from core.maintenance.jobs import JobContext, run_policy
from core.runtime.assembly import Runtime
from core.testing.pytest_plugin import make_settings
from plugins.economy import service as bank
from plugins.economy.maintenance import retention_policies
from plugins.economy.models import Transaction, TransactionArchive
from tests.bench.common import (
    PG_URL,
    bench_exit,
    check_engines,
    median,
    on_each_engine,
    quantile,
)

PLUGINS = ["economy"]
TARGET_P99_MS = 100.0
GUILD, MEMBERS = 7, 1000


async def fill(engine: str, rows: int) -> None:
    """``rows`` old transactions (100-400 days ago) of 1,000 members, loaded in the server."""
    conn = connections.get("default")
    if engine == "postgres":
        await conn.execute_script(
            'INSERT INTO "transactions" ("user_id", "guild_id", "amount", '
            '"transaction_type", "description", "created_at") '
            f"SELECT 1 + g % {MEMBERS}, {GUILD}, 1 + g % 50, 'daily', NULL, "
            "now() - interval '100 days' - (g % 300) * interval '1 day' "
            f"FROM generate_series(1, {rows}) g"
        )
        await conn.execute_script('VACUUM ANALYZE "transactions"')
        return
    await conn.execute_script(
        f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) "
        'INSERT INTO "transactions" ("user_id", "guild_id", "amount", "transaction_type", '
        '"description", "created_at") '
        f"SELECT 1 + i % {MEMBERS}, {GUILD}, 1 + i % 50, 'daily', NULL, "
        "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '-' || (100 + i % 300) || ' days') "
        "FROM s"
    )
    await conn.execute_script('ANALYZE "transactions"')


# -- the writer (a separate process) --------------------------------------------------------


async def writer(url: str, rate: float, mode: str) -> None:
    """Write at ``rate`` per second until SIGTERM; print the samples as JSON.

    ``insert``: one autocommitted ledger INSERT per write; ``deposit``: the economy
    service's deposit (balance update + ledger row in one transaction).
    """
    runtime = Runtime.from_settings(make_settings(url, PLUGINS))
    await runtime.open_database()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await bank.deposit(1, GUILD, 1, "daily", "warm-up")  # connections open before timing
    print("ready", flush=True)
    samples: list[tuple[float, float, str]] = []  # (started at, ms, outcome)
    pending: set[asyncio.Task[None]] = set()

    conn = connections.get("default")
    insert = (f'INSERT INTO "transactions" ("user_id", "guild_id", "amount", '
              f'"transaction_type", "description", "created_at") VALUES '
              f'({", ".join(placeholders(conn, 6))})')

    async def one(n: int) -> None:
        started, clock = time.time(), time.perf_counter()
        try:
            if mode == "deposit":
                await bank.deposit(1 + n % MEMBERS, GUILD, 1, "daily", "bench")
            else:
                await conn.execute_insert(
                    insert, [1 + n % MEMBERS, GUILD, 1, "daily", "bench", datetime.now(UTC)])
            outcome = "ok"
        except Exception as exc:  # counted by reason, never hidden
            outcome = type(exc).__name__
        samples.append((started, (time.perf_counter() - clock) * 1000, outcome))

    begin, n = time.perf_counter(), 0
    while not stop.is_set():
        delay = begin + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(n))
        pending.add(task)
        task.add_done_callback(pending.discard)
        n += 1
    if pending:
        await asyncio.wait(pending)
    await close_database()
    print(json.dumps(samples))


# -- the bench ------------------------------------------------------------------------------


def window(samples: list[Any], start: float, end: float) -> list[float]:
    """Latencies (ms) of the writes started within ``[start, end)``."""
    return [ms for at, ms, _ in samples if start <= at < end]


async def measure(engine: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Fill, start the writer, archive, stop the writer, count."""
    settings = make_settings(url, PLUGINS)
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    out: dict[str, Any] = {"engine": engine}
    print(f"{engine}: loading {args.rows:,} rows and archiving...", file=sys.stderr, flush=True)
    try:
        started = time.perf_counter()
        await fill(engine, args.rows)
        out["load_s"] = time.perf_counter() - started
        print(f"  loaded in {out['load_s']:.0f} s", file=sys.stderr, flush=True)
        before = await Transaction.all().count()
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.archive", "--writer", url,
            "--rate", str(args.rate), "--writer-mode", args.writer_mode,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert child.stdout is not None
            await child.stdout.readline()  # "ready"
            await asyncio.sleep(args.baseline)
            policy = retention_policies(settings)[0]
            now = datetime.now(UTC)
            ctx = JobContext(now=now, cutoff=now - timedelta(days=90), dry_run=False,
                             batch_size=args.batch_size or settings.maintenance.batch_size)
            out["archive_start"] = time.time()
            result = await run_policy(policy, ctx)
            out["archive_end"] = time.time()
            await asyncio.sleep(1.0)
        finally:
            child.send_signal(signal.SIGTERM)
            output, _ = await child.communicate()
        samples = json.loads(output)
        out.update(archived=result.rows, before=before, samples=samples)
        out["hot_after"] = await Transaction.all().count()
        out["archive_after"] = await TransactionArchive.all().count()
        out["deposits"] = 1 + sum(1 for *_, outcome in samples if outcome == "ok")
        _, rows = await connections.get("default").execute_query(
            'SELECT COUNT(*) AS "n" FROM "transactions" t '
            'JOIN "transactions_archive" a ON a."id" = t."id"')
        out["both_tables"] = int(rows[0]["n"])
    finally:
        await close_database()
    return out


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """The table and the summary line; 0 when every engine met the target exactly."""
    what = {"insert": "ledger INSERTs", "deposit": "economy deposits"}[args.writer_mode]
    print(f"archive under load: {args.rows:,} transactions older than 90 days, writer "
          f"{args.rate:g} {what}/s in another process; 2-core machine shared with other work")
    print(f"{'engine':<10} {'load s':>7} {'archive s':>9} {'rows/s':>9}   writer ms p50 / p99 /"
          f" max: before | during   errors")
    verdicts = []
    for r in results:
        dur = r["archive_end"] - r["archive_start"]
        base = window(r["samples"], 0, r["archive_start"])
        during = window(r["samples"], r["archive_start"], r["archive_end"])
        errors: dict[str, int] = {}
        for *_, outcome in r["samples"]:
            if outcome != "ok":
                errors[outcome] = errors.get(outcome, 0) + 1

        def cells(values: list[float]) -> str:
            return (f"{median(values):.1f} / {quantile(values, 0.99):.1f} / "
                    f"{max(values, default=float('nan')):.1f}")

        print(f"{r['engine']:<10} {r['load_s']:>7.1f} {dur:>9.1f} {r['archived'] / dur:>9,.0f}"
              f"   {cells(base)} | {cells(during)}   {errors or 'none'}")
        exact = (r["archived"] == r["before"] == r["archive_after"] and r["both_tables"] == 0
                 and r["hot_after"] == r["deposits"])
        print(f"{'':<10} rows: {r['before']:,} old before; after: {r['archive_after']:,} "
              f"archived, {r['hot_after']:,} hot = the {r['deposits']:,} deposits; "
              f"in both tables: {r['both_tables']} -> {'exact' if exact else 'MISMATCH'}")
        p99 = quantile(during, 0.99)
        verdicts.append((r["engine"], p99, exact and not errors, p99 < TARGET_P99_MS))
    print("summary: " + "; ".join(
        f"{engine} writer p99 {p99:.1f} ms during the archive" for engine, p99, *_ in verdicts)
        + f" (target < {TARGET_P99_MS:g} ms), rows exact -> "
        + ("PASS" if all(right and fast for *_, right, fast in verdicts) else "FAIL"))
    return bench_exit(all(right for *_, right, _ in verdicts),
                      all(fast for *_, fast in verdicts))


async def main(args: argparse.Namespace) -> int:
    """Writer mode, or the bench on each engine."""
    if args.writer:
        await writer(args.writer, args.rate, args.writer_mode)
        return 0
    logging.basicConfig(level=logging.WARNING)
    results = await on_each_engine(args.engine_list, args.postgres_url, PLUGINS,
                                   "bench-archive-", lambda e, url: measure(e, url, args))
    return report(results, args)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.archive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--rate", type=float, default=500.0, help="writer deposits per second")
    parser.add_argument("--baseline", type=float, default=5.0,
                        help="seconds of writing before the archive starts")
    parser.add_argument("--engines", default="postgres")
    parser.add_argument("--batch-size", type=int, default=0,
                        help="rows per archive batch (default: [maintenance] batch_size)")
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--writer-mode", choices=("insert", "deposit"), default="insert",
                        help="single ledger INSERTs (default) or economy deposits")
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.rate <= 0 or args.baseline < 0:
        parser.error("--rows >= 1, --rate > 0, --baseline >= 0")
    args.engine_list = check_engines(args.engines, parser.error)
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
