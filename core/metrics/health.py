"""Liveness and readiness of a worker, served as ``/livez`` and ``/readyz`` beside ``/metrics``.

- Liveness: a watchdog task stamps the time every ``interval`` seconds; when the stamp is
  older than ``bound`` the loop has stalled (``/livez`` answers 503 once it can answer at
  all; a loop blocked for good does not answer, which a probe's timeout also counts).
- Readiness: every bot of the process is ready, each of its shards is connected (not
  between a disconnect and its RESUMED/READY) and none of its guilds is unavailable, and
  the database answers ``SELECT 1`` within ``db_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise import connections

from core.metrics.instruments import GATEWAY_DISCONNECTS

LIVENESS_INTERVAL_SECONDS = 1.0
LIVENESS_BOUND_SECONDS = 10.0
READINESS_DB_TIMEOUT_SECONDS = 3.0
_DOWN_SHARDS = "_guildhall_down_shards"


class LoopWatchdog:
    """Stamps ``clock()`` from a task on the loop; :meth:`stalled_for` says how stale it is."""

    def __init__(
        self,
        interval: float = LIVENESS_INTERVAL_SECONDS,
        bound: float = LIVENESS_BOUND_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self.bound = bound
        self.clock = clock
        self.stamp = clock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start stamping on the running loop."""
        self.stamp = self.clock()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-watchdog")

    async def stop(self) -> None:
        """Stop stamping."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            self.stamp = self.clock()
            await asyncio.sleep(self.interval)

    def stalled_for(self) -> float:
        """Seconds since the last stamp."""
        return max(self.clock() - self.stamp, 0.0)

    def alive(self) -> bool:
        """True while the last stamp is at most ``bound`` seconds old."""
        return self.stalled_for() <= self.bound


def track_shards(bot: Any) -> None:
    """Keep the set of ``bot``'s shards that disconnected and did not come back yet.

    Each disconnect is also counted in ``guildhall_gateway_disconnects_total``.
    """
    if hasattr(bot, _DOWN_SHARDS):
        return
    down: set[int] = set()
    setattr(bot, _DOWN_SHARDS, down)

    async def on_shard_disconnect(shard_id: int) -> None:
        if shard_id not in down:
            GATEWAY_DISCONNECTS.labels(shard=str(shard_id)).inc()
        down.add(shard_id)

    async def on_shard_back(shard_id: int) -> None:
        down.discard(shard_id)

    bot.add_listener(on_shard_disconnect, "on_shard_disconnect")
    bot.add_listener(on_shard_back, "on_shard_ready")
    bot.add_listener(on_shard_back, "on_shard_resumed")


@dataclass
class Readiness:
    """The answer of ``/readyz``: :attr:`ready` and why not."""

    ready: bool = True
    shards: dict[str, str] = field(default_factory=dict)
    unavailable_guilds: int = 0
    database: str = "ok"
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        """Record a reason for not being ready."""
        self.ready = False
        self.problems.append(problem)

    def body(self, cluster: int) -> dict[str, Any]:
        """The JSON body."""
        return {
            "status": "ready" if self.ready else "not ready",
            "cluster": cluster,
            "shards": self.shards,
            "unavailable_guilds": self.unavailable_guilds,
            "database": self.database,
            "problems": self.problems,
        }


def _check_bot(bot: Any, result: Readiness) -> None:
    down: set[int] = getattr(bot, _DOWN_SHARDS, set())
    if not bot.is_ready():
        result.fail("bot not ready yet")
    for shard_id in bot.shard_ids or sorted(bot.shards):
        info = bot.get_shard(shard_id)
        connected = info is not None and not info.is_closed() and shard_id not in down
        result.shards[str(shard_id)] = "connected" if connected else "down"
        if not connected:
            result.fail(f"shard {shard_id} is down")
    unavailable = sum(1 for guild in bot.guilds if guild.unavailable)
    result.unavailable_guilds += unavailable
    if unavailable:
        result.fail(f"{unavailable} guild(s) unavailable")


async def check_database(
    result: Readiness, timeout: float = READINESS_DB_TIMEOUT_SECONDS  # noqa: ASYNC109
) -> None:
    """Record in ``result`` whether the database answers ``SELECT 1`` within ``timeout``."""
    try:
        conn = connections.get("default")
        await asyncio.wait_for(conn.execute_query("SELECT 1"), timeout)
    except TimeoutError:
        result.database = f"no answer within {timeout:g} s"
        result.fail("database unreachable")
    except Exception as exc:  # any failure means not ready; only its type is shown
        result.database = f"error: {type(exc).__name__}"
        result.fail("database unreachable")


async def readiness(
    bots: list[Any], db_timeout: float = READINESS_DB_TIMEOUT_SECONDS
) -> Readiness:
    """Check every bot of the process and the database."""
    result = Readiness()
    if not bots:
        result.fail("no bot running")
    for bot in bots:
        _check_bot(bot, result)
    await check_database(result, db_timeout)
    return result
