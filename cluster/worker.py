"""A worker process: ``python -m cluster.worker --cluster 3 --shards 12-15 --shard-count 64``.

The launcher starts one per cluster. The worker opens the database (already migrated by
the launcher), runs a :class:`WorkerBot` for its shards with every enabled plugin and a
lease candidacy, reports its status every interval, and on SIGTERM/SIGINT closes the
bot (leader released, buffers flushed, gateway closed), writes a last "stopped" report
and closes the database. Exit code 0 means a clean stop. Every step of the stop is
bounded, and so is the teardown after it (:mod:`core.runtime.bounded_run`): a task or thread
that ignores the stop is logged and left behind, never waited for.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

import setproctitle

from cluster.identify import close_quietly, make_limiter
from cluster.planning import Cluster
from cluster.reporter import StatusReporter
from cluster.worker_bot import WorkerBot
from core.db.database import close_database
from core.plugins.manager import PluginError
from core.runtime import log_context
from core.runtime.assembly import Runtime
from core.runtime.bounded_run import exit_bounded, run_bounded
from core.runtime.cluster_ranges import parse_clusters
from core.runtime.config import ConfigError
from core.runtime.logging_setup import setup_logging
from core.runtime.speed import install_event_loop_policy
from core.runtime.worker_status import WorkerStatus, make_store

log = logging.getLogger(__name__)


class ClusterPrefix(logging.Filter):
    """Prefixes readable log lines with ``[cluster N]`` (JSON lines carry a field instead)."""

    def __init__(self, cluster: int) -> None:
        super().__init__()
        self.prefix = f"[cluster {cluster}] "

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and not record.msg.startswith(self.prefix):
            record.msg = self.prefix + record.msg
        return True


def tag_logs(cluster: int, json_format: bool) -> None:
    """Mark this process's log records with its cluster index."""
    log_context.set_cluster(cluster)
    if not json_format:
        for handler in logging.getLogger().handlers:
            handler.addFilter(ClusterPrefix(cluster))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The worker's command line (written by the launcher)."""
    parser = argparse.ArgumentParser(prog="python -m cluster.worker")
    parser.add_argument("--cluster", type=int, required=True, help="cluster index")
    parser.add_argument("--shards", required=True, help="shard ids, e.g. 12-15")
    parser.add_argument("--shard-count", type=int, required=True, help="shards in the plan")
    parser.add_argument("--max-concurrency", type=int, default=1, help="identify buckets")
    parser.add_argument("--config", default=None, help="config file")
    return parser.parse_args(argv)


async def run_worker(runtime: Runtime, cluster: Cluster, shard_count: int, buckets: int) -> int:
    """Run until SIGTERM/SIGINT; return 0 after a clean stop, 1 when the bot failed."""
    settings = runtime.settings
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await runtime.open_database()
    coordination = runtime.coordination
    limiter = make_limiter(settings, buckets, coordination)
    store = make_store(settings, coordination)
    status = WorkerStatus(
        cluster=cluster.index, shard_ids=list(cluster.shard_ids), shard_count=shard_count,
        host=socket.gethostname(), pid=os.getpid(), started_at=time.time(),
    )
    bot = WorkerBot(
        settings, runtime.plugins, coordination=coordination, limiter=limiter,
        cluster_index=cluster.index,
        shard_ids=list(cluster.shard_ids), shard_count=shard_count,
        guild_ready_timeout=settings.cluster.guild_ready_timeout_seconds,
    )
    reporter = StatusReporter(store, status, settings.cluster.status_interval_seconds, bot)
    bot.add_listener(_poke_on_ready(reporter), "on_ready")
    reporter.start()
    runner = asyncio.create_task(bot.start(settings.discord.token.get_secret_value()))
    stopper = asyncio.create_task(stop.wait())
    code = 0
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        status.state = "stopping"
        await reporter.report()
        await bot.close()
        stopper.cancel()
        await asyncio.wait({runner}, timeout=5)  # start() returns once the bot is closed
        if runner.done() and not runner.cancelled() and runner.exception() is not None:
            log.error("bot stopped: %s", runner.exception())
            code = 1
        elif not stop.is_set():
            code = 1  # the bot ended without being asked to
        await reporter.stop("stopped" if code == 0 else "failed")
        await store.close()
        await close_quietly(limiter)
        await close_database()
    return code


def _poke_on_ready(reporter: StatusReporter) -> Callable[[], Coroutine[Any, Any, None]]:
    """An ``on_ready`` listener: report "ready" at once rather than at the next interval."""

    async def on_ready() -> None:
        reporter.poke()

    return on_ready


def die_with_launcher() -> None:
    """Linux: have the kernel send SIGTERM when the launcher dies (no orphaned shards)."""
    launcher = os.environ.get("GUILDHALL_LAUNCHER_PID", "")
    if not launcher.isdigit() or not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(launcher):  # it died before prctl took effect
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m cluster.worker``."""
    args = parse_args(argv)
    die_with_launcher()
    cluster = Cluster(args.cluster, tuple(parse_clusters(args.shards)))
    setproctitle.setproctitle(f"guildhall {cluster.label}")
    try:
        runtime = Runtime.load(args.config)
    except (ConfigError, PluginError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    setup_logging(runtime.settings.logging)
    tag_logs(cluster.index, runtime.settings.logging.json_format)
    install_event_loop_policy(runtime.settings.bot.use_uvloop)
    code = run_bounded(run_worker(runtime, cluster, args.shard_count, args.max_concurrency))
    exit_bounded(code)  # a thread still busy (a backup step, say) does not hold the exit


if __name__ == "__main__":
    main()
