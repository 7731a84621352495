"""Helpers shared by the benchmarks: quantiles, statement counting, fresh databases."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext

from core.testing.databases import DatabaseFactory
from core.testing.pytest_plugin import make_settings

T = TypeVar("T")

PG_URL = os.environ.get(
    "GUILDHALL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# Exit codes of every bench: 0 all goals met; 1 wrong results (or a crash); GOAL_MISSED the
# results were right but a README goal (a speed or size target) was missed.
GOAL_MISSED = 3
EXECUTE_METHODS = (
    "execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script",
)


def bench_exit(correct: bool, goals_met: bool = True) -> int:
    """The bench's exit code: 1 when a result is wrong, :data:`GOAL_MISSED` when only a
    goal was missed, else 0."""
    if not correct:
        return 1
    return 0 if goals_met else GOAL_MISSED


def quantile(samples: list[float], q: float) -> float:
    """The ``q`` quantile of ``samples`` (nearest rank); NaN when empty."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def median(samples: list[float]) -> float:
    """The median (NaN when empty)."""
    return statistics.median(samples) if samples else float("nan")


class StatementCounter:
    """Counts SQL statements the ORM sends, for every client and transaction class.

    Each ``execute_*`` call is one statement (an ``executemany`` batch is one round trip);
    each transaction adds two (BEGIN and COMMIT/ROLLBACK). Patches at class level while
    active, so connections opened inside transactions are counted too. ``before``, when
    given, is awaited with each statement's SQL just before it is sent (a test's way to
    act at an exact point inside the code under test).
    """

    def __init__(self, before: Callable[[str], Awaitable[None]] | None = None) -> None:
        self.before = before
        self.statements = 0
        self.transactions = 0
        self.by_sql: dict[str, int] = {}

    @property
    def total(self) -> int:
        """Statements plus BEGIN/COMMIT pairs."""
        return self.statements + 2 * self.transactions

    @contextlib.contextmanager
    def active(self) -> Iterator[StatementCounter]:
        """Count while inside the ``with`` block."""
        patched: list[tuple[type, str, Any]] = []

        def wrap(cls: type, name: str) -> None:
            original = cls.__dict__[name]

            @functools.wraps(original)
            async def counted(client: Any, query: str, *args: Any, **kw: Any) -> Any:
                self.statements += 1
                key = " ".join(str(query).split())[:60]
                self.by_sql[key] = self.by_sql.get(key, 0) + 1
                if self.before is not None:
                    await self.before(str(query))
                return await original(client, query, *args, **kw)

            setattr(cls, name, counted)
            patched.append((cls, name, original))

        for cls in _subclasses(BaseDBAsyncClient):
            for name in EXECUTE_METHODS:
                if name in cls.__dict__:
                    wrap(cls, name)
        for cls in _subclasses(TransactionContext):
            if "__aenter__" in cls.__dict__:
                original = cls.__dict__["__aenter__"]

                @functools.wraps(original)
                async def entered(ctx: Any, _original: Any = original) -> Any:
                    self.transactions += 1
                    return await _original(ctx)

                cls.__aenter__ = entered
                patched.append((cls, "__aenter__", original))
        try:
            yield self
        finally:
            for cls, name, original in reversed(patched):
                setattr(cls, name, original)


def _subclasses(root: type) -> list[type]:
    found, todo = [], [root]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@contextlib.asynccontextmanager
async def database_factory(engines: list[str], pg_url: str = PG_URL,
                           prefix: str = "bench-") -> AsyncIterator[DatabaseFactory]:
    """A :class:`DatabaseFactory` in a temporary directory; every database dropped after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        factory = DatabaseFactory(Path(workdir), pg_url if "postgres" in engines else None)
        try:
            yield factory
        finally:
            await factory.drop_all()


async def on_each_engine(
    engines: list[str], pg_url: str, plugins: list[str], prefix: str,
    measure: Callable[[str, str], Awaitable[T]],
) -> list[T]:
    """``await measure(engine, url)`` on a fresh migrated database of each engine."""
    results = []
    async with database_factory(engines, pg_url, prefix) as factory:
        for engine in engines:
            url = await factory.create_migrated(engine, make_settings("sqlite://:memory:",
                                                                      plugins))
            results.append(await measure(engine, url))
            await factory.drop(url)
    return results


def check_engines(value: str, error: Callable[[str], Any]) -> list[str]:
    """``"sqlite,postgres"`` -> list; ``error`` (argparse's) on an unknown name."""
    engines = [e for e in value.split(",") if e]
    if not engines or set(engines) - {"sqlite", "postgres"}:
        error("--engines takes sqlite and/or postgres, comma-separated")
    return engines


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``; 0 when gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss_mb(pid: int) -> float:
    """Resident set size of process ``pid`` in MB (Linux ``/proc``; 0 when gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, every core summed."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK"), idle / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


async def child_report(module: str, *argv: str, what: str) -> dict[str, Any]:
    """Run ``python -m module --child ARGV`` and return the JSON of its last output line
    (a bench's measuring child); ``what`` names it in the error when it fails."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, "--child", *argv, stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode})")
    report: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return report
