"""A storm of transfers and gambles from one account, runnable in its own OS process.

    python -m tests.plugins.economy.storm_worker URL OPS SEED

Prints ``ready`` once the database is open, waits for a line on stdin (the start
signal), runs OPS concurrent operations and prints one JSON summary line.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter

from core.testing.pytest_plugin import make_settings
from plugins.economy import rewards
from plugins.economy import service as bank
from plugins.economy.settings import EconomySettings

GUILD = 900
RICH = 1  # the account everyone hammers
OTHERS = (2, 3, 4, 5)
SETTINGS = EconomySettings(gamble_max_bet=1000)


async def one(op: int, rng: random.Random, counts: Counter[str]) -> None:
    """One random operation; its outcome is counted by name."""
    kind = rng.random()
    amount = rng.randint(1, 25)
    try:
        if kind < 0.45:
            await bank.transfer(GUILD, RICH, rng.choice(OTHERS), amount)
            counts["transfer_ok"] += 1
        elif kind < 0.75:
            flip = rng.random()
            await rewards.gamble(RICH, GUILD, amount, SETTINGS, rng=lambda: flip)
            counts["gamble_ok"] += 1
        else:
            await bank.transfer(GUILD, rng.choice(OTHERS), RICH, amount)
            counts["transfer_ok"] += 1
    except bank.InsufficientFunds:
        counts["insufficient"] += 1
    except Exception as exc:  # anything else is a failure the test reports
        counts[f"error {type(exc).__name__}: {exc}"[:200]] += 1


async def storm(ops: int, seed: int) -> dict[str, float]:
    """Run ``ops`` operations as concurrent tasks; return the outcome counts and timing."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    await asyncio.gather(*(one(i, rng, counts) for i in range(ops)))
    from core.services import coins

    return {**counts, "seconds": time.perf_counter() - started, "retried": coins.retries}


async def main(url: str, ops: int, seed: int) -> None:
    """Open the database, wait for the start signal, storm, report."""
    from core.db.database import close_database
    from core.runtime.assembly import Runtime

    runtime = Runtime.from_settings(make_settings(url, ["economy"]))
    await runtime.open_database()
    try:
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        print(json.dumps(await storm(ops, seed)), flush=True)
    finally:
        await close_database()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
