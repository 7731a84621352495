"""Economy contention: transfers among 1,000 members from two processes at once.

    python -m tests.bench.economy                       # 10,000 transfers, PostgreSQL
    python -m tests.bench.economy --transfers 2000 --engines sqlite,postgres

A fresh migrated database; 1,000 members get 1,000 coins each through the economy
service (``deposit``). Two worker processes then run ``--transfers / 2`` transfers each
(``plugins.economy.service.transfer``: on PostgreSQL one statement that locks both rows in
id order, applies the guarded debit and credit and writes both ledger rows; on SQLite one
short transaction), ``--concurrency`` at a time per process,
between random members for random amounts (1-400, so some senders run dry). Reported:
throughput, latency p50/p99, outcomes by reason, the service's retries, and the
conservation check: total coins unchanged, no balance below zero, every balance equal
to its ledger (the integrity check), ledger rows = seed deposits + 2 per transfer.
Goal: at least 3,000 transfers/s on PostgreSQL (SQLite's figure is reported beside it);
exit codes as in ``tests/bench/common.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import time
from collections import Counter
from typing import Any

from core.db.database import close_database
from core.db.models import GuildMember
from core.runtime.assembly import Runtime
from core.testing.pytest_plugin import make_settings
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction
from tests.bench.common import (
    PG_URL,
    bench_exit,
    check_engines,
    median,
    on_each_engine,
    quantile,
)

PLUGINS = ["economy"]
GUILD, MEMBERS, START = 11, 1000, 1000
PROCESSES = 2
TARGET_PER_S = {"postgres": 3000.0}  # transfers/s goal per engine (SQLite: reported)


async def open_db(url: str) -> None:
    """Initialise the ORM on ``url`` for the economy plugin."""
    await Runtime.from_settings(make_settings(url, PLUGINS)).open_database()


async def worker(url: str, transfers: int, concurrency: int, seed: int) -> None:
    """Wait for a line on stdin, run the transfers, print one JSON summary line."""
    from core.services import coins

    await open_db(url)
    await bank.balance(1, GUILD)  # a connection is open before the clock starts
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    rng = random.Random(seed)
    plan = []
    for _ in range(transfers):
        sender, recipient = rng.sample(range(1, MEMBERS + 1), 2)
        plan.append((sender, recipient, rng.randint(1, 400)))
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(sender: int, recipient: int, amount: int) -> None:
        async with gate:
            started = time.perf_counter()
            try:
                await bank.transfer(GUILD, sender, recipient, amount)
                outcomes["ok"] += 1
            except bank.InsufficientFunds:
                outcomes["insufficient funds"] += 1
            except Exception as exc:  # every other failure is reported by its type
                outcomes[f"error {type(exc).__name__}"] += 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(*p) for p in plan))
    seconds = time.perf_counter() - started
    await close_database()
    print(json.dumps({"outcomes": outcomes, "seconds": seconds, "latencies": latencies,
                      "retries": coins.retries}))


async def seed_members() -> None:
    """Every member gets ``START`` coins through the service (20 deposits at a time)."""
    gate = asyncio.Semaphore(20)

    async def one(user_id: int) -> None:
        async with gate:
            await bank.deposit(user_id, GUILD, START, "admin", "bench seed")

    await asyncio.gather(*(one(u) for u in range(1, MEMBERS + 1)))


async def measure(engine: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Seed, run the workers side by side, check conservation."""
    await open_db(url)
    try:
        await seed_members()
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.bench.economy", "--worker", url,
                "--transfers", str(args.transfers // PROCESSES),
                "--concurrency", str(args.concurrency), "--seed", str(n),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            )
            for n in range(PROCESSES)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert (await proc.stdout.readline()).strip() == b"ready"
        started = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = [json.loads((await p.communicate())[0]) for p in procs]
        wall = time.perf_counter() - started
        balances = await GuildMember.filter(guild_id=GUILD).values_list("coins", flat=True)
        return {
            "engine": engine, "wall": wall, "outputs": outputs,
            "total": sum(balances), "negative": sum(1 for b in balances if b < 0),
            "ledger_rows": await Transaction.filter(guild_id=GUILD).count(),
            "mismatches": await balance_mismatches(),
        }
    finally:
        await close_database()


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """The table and the summary line; the exit code (see :func:`bench_exit`)."""
    print(f"economy: {args.transfers:,} transfers among {MEMBERS:,} members from {PROCESSES} "
          f"processes x {args.concurrency} concurrent; 2-core machine shared with other work")
    print(f"{'engine':<10} {'transfers/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'retries':>7}  "
          "outcomes")
    verdicts = []
    for r in results:
        outcomes: Counter[str] = Counter()
        latencies: list[float] = []
        for out in r["outputs"]:
            outcomes.update(out["outcomes"])
            latencies += out["latencies"]
        retries = sum(out["retries"] for out in r["outputs"])
        done = sum(outcomes.values())
        print(f"{r['engine']:<10} {done / r['wall']:>11,.0f} {median(latencies):>7.1f} "
              f"{quantile(latencies, 0.99):>7.1f} {retries:>7}  {dict(outcomes)}")
        expected_rows = MEMBERS + 2 * outcomes["ok"]
        conserved = (r["total"] == MEMBERS * START and r["negative"] == 0
                     and not r["mismatches"] and r["ledger_rows"] == expected_rows
                     and done == args.transfers // PROCESSES * PROCESSES)
        errors = sum(n for k, n in outcomes.items() if k.startswith("error"))
        print(f"{'':<10} conservation: total {r['total']:,} (expected {MEMBERS * START:,}), "
              f"negative balances {r['negative']}, ledger rows {r['ledger_rows']:,} "
              f"(expected {expected_rows:,}), balance/ledger mismatches "
              f"{len(r['mismatches'])} -> {'OK' if conserved else 'BROKEN'}")
        verdicts.append((r["engine"], done / r["wall"], conserved and errors == 0))
    correct = all(v for *_, v in verdicts)
    fast = all(rate >= TARGET_PER_S.get(e, 0.0) for e, rate, _ in verdicts)
    goals = ", ".join(f"{e} >= {t:,.0f}/s" for e, t in TARGET_PER_S.items()
                      if any(e == v[0] for v in verdicts))
    print("summary: " + "; ".join(f"{e} {rate:,.0f} transfers/s" for e, rate, _ in verdicts)
          + f"; money conserved, no errors: {'yes' if correct else 'NO'}"
          + (f"; goal {goals}" if goals else "")
          + f" -> {'PASS' if correct and fast else 'FAIL'}")
    return bench_exit(correct, fast)


async def main(args: argparse.Namespace) -> int:
    """Worker mode, or the bench on each engine."""
    if args.worker:
        await worker(args.worker, args.transfers, args.concurrency, args.seed)
        return 0
    logging.basicConfig(level=logging.WARNING)
    results = await on_each_engine(args.engine_list, args.postgres_url, PLUGINS,
                                   "bench-economy-", lambda e, url: measure(e, url, args))
    return report(results, args)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.economy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transfers", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=20, help="per process")
    parser.add_argument("--engines", default="postgres")
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.transfers < PROCESSES or args.concurrency < 1:
        parser.error(f"--transfers >= {PROCESSES} and --concurrency >= 1")
    args.engine_list = check_engines(args.engines, parser.error)
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args(sys.argv[1:]))))
