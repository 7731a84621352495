"""Economy contention: transfers among 1,000 members from two processes at once.

    python -m tests.bench.economy                       # 10,000 transfers, PostgreSQL
    python -m tests.bench.economy --transfers 2000 --engines sqlite,postgres

A fresh migrated database; 1,000 members get 1,000 coins each through the economy
service (``deposit``). Two worker processes then run ``--transfers / 2`` transfers each
(``plugins.economy.service.transfer``: on PostgreSQL one call of the server-side function
``economy_transfer()``, one round trip; on SQLite one short transaction),
``--concurrency`` at a time per process, each process with a connection pool of that size
(``[database] pool_max_size``), between random members for random amounts (1-400, so
some senders run dry). Reported: throughput, latency p50/p99, outcomes by reason, the
service's retries, the CPU time per transfer of the client processes and of the
PostgreSQL backends serving them (read from ``/proc`` when the server is local; on SQLite
the database works inside the clients), the load average, and the conservation check:
total coins unchanged, no balance below zero, every balance equal to its ledger (the
integrity check), ledger rows = seed deposits + 2 per transfer.
Goal: at least 3,000 transfers/s on PostgreSQL (SQLite's figure is reported beside it);
exit codes as in ``tests/bench/common.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from typing import Any

from tortoise import connections

from core.db.database import CONNECTION, close_database
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


async def open_db(url: str, pool: int = 10) -> None:
    """Initialise the ORM on ``url`` for the economy plugin, ``pool`` connections at most."""
    settings = make_settings(url, PLUGINS, database={"pool_max_size": pool})
    await Runtime.from_settings(settings).open_database()


def process_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by process ``pid``; None when unreadable."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def backend_seconds() -> dict[int, float] | None:
    """CPU seconds of every PostgreSQL backend connected to this database, by pid (None
    on SQLite, or when the server's processes are not readable here)."""
    client = connections.get(CONNECTION)
    if client.schema_generator.DIALECT != "postgres":
        return None
    _, rows = await client.execute_query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    seconds = {int(row[0]): process_seconds(int(row[0])) for row in rows}
    if any(value is None for value in seconds.values()):
        return None
    return {pid: value for pid, value in seconds.items() if value is not None}


async def worker(url: str, transfers: int, concurrency: int, seed: int) -> None:
    """Wait for a line on stdin, run the transfers, print one JSON summary line, then
    keep the connections open until the next line (the parent reads the backends' CPU)."""
    from core.services import coins

    await open_db(url, pool=concurrency)
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

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(*p) for p in plan))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"outcomes": outcomes, "seconds": seconds, "latencies": latencies,
                      "retries": coins.retries, "cpu": cpu}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await close_database()


async def seed_members() -> None:
    """Every member gets ``START`` coins through the service (20 deposits at a time)."""
    gate = asyncio.Semaphore(20)

    async def one(user_id: int) -> None:
        async with gate:
            await bank.deposit(user_id, GUILD, START, "admin", "bench seed")

    await asyncio.gather(*(one(u) for u in range(1, MEMBERS + 1)))


# A worker's result is one JSON line with every latency: 10,000 transfers are ~200 KB.
RESULT_LINE_LIMIT = 64 * 1024 * 1024


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
                limit=RESULT_LINE_LIMIT,
            )
            for n in range(PROCESSES)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert (await proc.stdout.readline()).strip() == b"ready"
        backends_before = await backend_seconds()
        started = time.perf_counter()
        await tell(procs, b"go\n")
        outputs = []
        for proc in procs:
            assert proc.stdout is not None
            outputs.append(json.loads(await proc.stdout.readline()))
        wall = time.perf_counter() - started
        backends_after = await backend_seconds()
        await tell(procs, b"exit\n")
        for proc in procs:
            await proc.wait()
        database_cpu = None
        if backends_before is not None and backends_after is not None:
            database_cpu = sum(after - backends_before.get(pid, 0.0)
                               for pid, after in backends_after.items())
        balances = await GuildMember.filter(guild_id=GUILD).values_list("coins", flat=True)
        return {
            "engine": engine, "wall": wall, "outputs": outputs, "database_cpu": database_cpu,
            "load": os.getloadavg()[0],
            "total": sum(balances), "negative": sum(1 for b in balances if b < 0),
            "ledger_rows": await Transaction.filter(guild_id=GUILD).count(),
            "mismatches": await balance_mismatches(),
        }
    finally:
        await close_database()


async def tell(procs: list[asyncio.subprocess.Process], line: bytes) -> None:
    """Write ``line`` to every worker's stdin."""
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(line)
        await proc.stdin.drain()


def cpu_line(r: dict[str, Any], done: int) -> str:
    """CPU time per transfer of the clients and of the database, and the ceiling they
    imply on this machine's cores (if nothing else ran)."""
    client = sum(out["cpu"] for out in r["outputs"])
    parts = [f"client {client / done * 1e6:,.0f} us"]
    total = client
    if r["database_cpu"] is not None:
        parts.append(f"PostgreSQL backends {r['database_cpu'] / done * 1e6:,.0f} us")
        total += r["database_cpu"]
    elif r["engine"] == "postgres":
        parts.append("PostgreSQL backends not readable here")
    cores = os.cpu_count() or 1
    ceiling = f" -> at most {done / total * cores:,.0f}/s on {cores} idle cores" if total else ""
    return (f"{'':<10} CPU per transfer: {', '.join(parts)}{ceiling} "
            f"(load average {r['load']:.1f} at the end)")


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> int:
    """The table and the summary line; the exit code (see :func:`bench_exit`)."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"economy: {args.transfers:,} transfers among {MEMBERS:,} members from {PROCESSES} "
          f"processes x {args.concurrency} concurrent; {os.cpu_count()} cores, "
          f"load average {load}")
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
        print(cpu_line(r, max(done, 1)))
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
