"""Scenario: the PostgreSQL server goes down and comes back under two worker processes.

Shared by ``tests/reliability/test_postgres_restart.py`` and
``python -m tests.bench.chaos_postgres``. A member keeps transferring coins and checking
balances the whole time; the server (a throwaway cluster) is stopped at once, as a crash
would, and started again after ``downtime`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction
from tests.reliability.outages import Probes, all_ready, probe, start_workers
from tests.reliability.throwaway_postgres import ThrowawayPostgres

SEED = 1000


@dataclass
class RestartFigures:
    """What the scenario measured."""

    during: Probes = field(default_factory=Probes)  # started while the server was down
    outside: Probes = field(default_factory=Probes)  # started while it was up
    edge: Probes = field(default_factory=Probes)  # started while it stopped or started
    recovery: float = float("inf")  # server accepting -> first command answered normally
    sent: int = 0  # transfers confirmed to the member
    committed: int = 0  # transfers in the ledger
    total: int = 0  # alice + bob coins
    mismatches: list[str] = field(default_factory=list)


async def traffic(double: DiscordDouble, demo: DemoWorld, figures: RestartFigures,
                  state: dict[str, float | None], stop: asyncio.Event) -> None:
    """Transfer 1 coin and read the balance, over and over, sorting answers by phase."""
    bob = demo.members["bob"]
    while not stop.is_set():
        for name, options in (("transfer", {"member": bob, "amount": "1"}), ("balance", None)):
            down = state["down"] is not None and state["up"] is None
            probes = figures.edge if state["edge"] else figures.during if down else figures.outside
            text = await probe(double, demo, probes, name, options, timeout=15.0)
            if text.startswith("Sent"):
                figures.sent += 1
            up = state["up"]
            if up is not None and not down and text and "try again" not in text.lower():
                figures.recovery = min(figures.recovery, time.time() - up)
        await asyncio.sleep(0.2)


async def postgres_restart(double: DiscordDouble, demo: DemoWorld, settings: Settings,
                           workdir: Path, pg: ThrowawayPostgres,
                           downtime: float) -> RestartFigures:
    """Run the scenario on ``pg`` (started); ``settings`` name its database and Redis."""
    runtime = Runtime.from_settings(settings)
    await runtime.upgrade()
    await runtime.open_database()
    alice, bob = demo.members["alice"], demo.members["bob"]
    for member in (alice, bob):
        await bank.change(member.id, demo.guild.id, SEED, "admin", "seed")
    workers = start_workers(settings, double, workdir)
    figures = RestartFigures()
    state: dict[str, float | None] = {"edge": None, "down": None, "up": None}
    stop = asyncio.Event()
    try:
        await all_ready(workers)
        runner = asyncio.create_task(traffic(double, demo, figures, state, stop))
        await asyncio.sleep(2.0)
        state["edge"] = time.time()
        await asyncio.to_thread(pg.stop)
        state["down"], state["edge"] = time.time(), None
        await asyncio.sleep(downtime)
        state["edge"] = time.time()
        await asyncio.to_thread(pg.start)
        state["up"], state["edge"] = time.time(), None
        with contextlib.suppress(AssertionError):  # the figure tells; the caller asserts
            await eventually(lambda: figures.recovery < float("inf"), timeout=30)
        await asyncio.sleep(2.0)
        stop.set()
        await runner
        figures.committed = await Transaction.filter(
            guild_id=demo.guild.id, transaction_type="transfer", amount__lt=0).count()
        figures.total = sum([await bank.balance(m.id, demo.guild.id) for m in (alice, bob)])
        figures.mismatches = await balance_mismatches()
    finally:
        for worker in workers:
            worker.close()
        await close_database()
    return figures


def report(figures: RestartFigures, downtime: float) -> str:
    """The figures as one line."""
    return (f"PostgreSQL down {downtime:.0f} s: during the outage {figures.during.line()}; "
            f"stopping or starting {figures.edge.line()}; otherwise {figures.outside.line()}; "
            f"pool recovered {figures.recovery:.2f} s after the server; transfers confirmed "
            f"{figures.sent}, in the ledger {figures.committed}; coins {figures.total} of "
            f"{2 * SEED}; integrity {'ok' if not figures.mismatches else figures.mismatches}")
