"""Run ``guildhall run`` (the cluster launcher) as a real process against the double.

The double lives in the test process; the launcher and its workers are OS processes
reading their settings from the environment built here (short timings, the test's
database, Redis keys and status directory of their own).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from core.runtime.cluster_settings import ClusterSettings
from core.runtime.config import Settings
from core.runtime.worker_status import WorkerStatus, read_statuses
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble

WINDOW = 0.3  # the double's identify window, matched by the limiter
FAST_CLUSTER: dict[str, Any] = {
    "identify_window_seconds": WINDOW,
    "identify_margin_seconds": 0.1,
    "status_interval_seconds": 0.5,
    "status_stale_seconds": 2.0,
    "heartbeat_timeout_seconds": 30.0,  # start-up on a loaded machine takes seconds
    "restart_backoff_min_seconds": 0.2,
    "restart_backoff_max_seconds": 2.0,
    "stop_timeout_seconds": 20.0,
    "guild_ready_timeout_seconds": 0.1,
}
START = 90.0  # workers start in a few seconds; generous for a loaded 2-core machine


def cluster_settings(settings: Settings, tmp_path: Path, **options: Any) -> Settings:
    """``settings`` with a fast ``[cluster]`` section private to this test."""
    tag = uuid.uuid4().hex[:8]
    cluster = {
        **FAST_CLUSTER,
        "identify_key": f"test:{tag}:identify",
        "status_key": f"test:{tag}:status",
        "status_directory": str(tmp_path / "status"),
        **options,
    }
    return settings.model_copy(update={"cluster": ClusterSettings(**cluster)})


def launcher_env(settings: Settings, double: DiscordDouble) -> dict[str, str]:
    """The environment of a launcher (and so its workers) for ``settings`` and ``double``."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith("GUILDHALL_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DISCORD_TOKEN=double.token,
        DATABASE_URL=settings.database.url.get_secret_value(),
        GUILDHALL_DISCORD__API_BASE=double.api_base,
        GUILDHALL_PLUGINS__ENABLED=json.dumps(settings.plugins.enabled),
        GUILDHALL_LEADER__DUTIES='["timers"]',
        GUILDHALL_LEADER__KEY=settings.leader.key,
        GUILDHALL_LEADER__TTL_SECONDS="3",
        GUILDHALL_LEADER__RENEW_SECONDS="1",
        GUILDHALL_LOGGING__LEVEL="INFO",
        GUILDHALL_BOT__ACTIVITY_FLUSH_SECONDS="3600",  # only the shutdown flush writes
    )
    for key, value in settings.cluster.model_dump().items():
        env[f"GUILDHALL_CLUSTER__{key.upper()}"] = str(value)
    if settings.redis.url.get_secret_value():
        env["REDIS_URL"] = settings.redis.url.get_secret_value()
    return env


class Launcher:
    """One ``guildhall run`` process; its output goes to a log file."""

    def __init__(self, settings: Settings, double: DiscordDouble, log: Path,
                 env: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.double = double
        self.log = log
        self.env = env or {}  # on top of launcher_env (e.g. other leader duties)
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, *args: str) -> Launcher:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", "from core.cli import main; main()", "run", *args,
                cwd=self.log.parent,
                env={**launcher_env(self.settings, self.double), **self.env},
                stdout=out, stderr=out,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> int:  # noqa: ASYNC109
        """Signal the launcher and return its exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            log = self.output()[-3000:]
            raise AssertionError(f"the launcher did not stop in time:\n{log}") from None


async def statuses(settings: Settings) -> dict[int, WorkerStatus]:
    """The latest report of every cluster, by index."""
    return {s.cluster: s for s in await read_statuses(settings)}


async def wait_ready(settings: Settings, clusters: int, timeout: float = START) -> dict:  # noqa: ASYNC109
    """Wait until ``clusters`` workers report "ready" (fresh reports); return them."""

    async def ready() -> dict[int, WorkerStatus] | None:
        found = await statuses(settings)
        fresh = {i: s for i, s in found.items() if s.state == "ready" and s.age() < 2}
        return fresh if len(fresh) == clusters else None

    return await eventually(ready, timeout=timeout, interval=0.2,
                            message=f"{clusters} ready workers")


def cluster_of_request(request: Any) -> int:
    """The cluster index in a REST request's User-Agent (``guildhall-cluster/N``)."""
    agent = request.headers.get("User-Agent", "")
    return int(agent.rsplit("guildhall-cluster/", 1)[1])


def identify_span(double: DiscordDouble) -> tuple[int, float]:
    """(accepted IDENTIFYs, seconds from the first to the last) as the double saw them."""
    accepted = sorted(i.time for i in double.gateway.identifies if i.accepted)
    return len(accepted), (accepted[-1] - accepted[0]) if accepted else float("nan")


def identify_minimum(shards: int, max_concurrency: int, window: float) -> tuple[int, float]:
    """(identify rounds, the least seconds from the first IDENTIFY to the last): one
    IDENTIFY per bucket (``shard % max_concurrency``) per ``window``."""
    rounds = -(-shards // max_concurrency)
    return rounds, (rounds - 1) * window
