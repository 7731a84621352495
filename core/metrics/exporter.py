"""The HTTP endpoint Prometheus scrapes: ``GET /metrics`` on ``[metrics] host:port+N``.

The same port serves ``/livez`` and ``/readyz`` (:mod:`core.metrics.health`) for probes.

One exporter per process, served by aiohttp on the worker's own event loop, so scrape-time
collectors read the bot's state without threads or locks (and a worker whose loop is
stuck fails its scrape, which is what an operator wants to see). Worker (cluster) ``N``
listens on ``port + N``: each worker has its own target, and Prometheus' ``up`` tells
them apart; multiprocess collection through shared files was not chosen because workers
also run on several machines and restart independently.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from core.metrics.cluster_state import ClusterState
from core.metrics.collector import WorkerCollector, watched_bots
from core.metrics.database import instrument_tortoise
from core.metrics.health import LoopWatchdog, readiness
from core.plugins.contracts import TimerSource
from core.runtime.config import Settings
from core.runtime.log_context import set_cluster

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

log = logging.getLogger(__name__)
_collector = WorkerCollector()
# Timer sources per watched bot, built once at the first scrape.
_sources: weakref.WeakKeyDictionary[GuildhallBot, Sequence[TimerSource]] = (
    weakref.WeakKeyDictionary())
REGISTRY.register(_collector)


class MetricsError(Exception):
    """The exporter cannot start (bad port, address in use); the message says why."""


def exporter_port(base: int, cluster_id: int) -> int:
    """The port of worker ``cluster_id``: ``base + cluster_id`` (0 stays 0: any free port)."""
    if base == 0:
        return 0
    port = base + cluster_id
    if port > 65535:
        raise MetricsError(
            f"metrics.port {base} + cluster {cluster_id} = {port} is above 65535; "
            "choose a lower [metrics] port"
        )
    return port


def _timer_sources() -> Sequence[TimerSource]:
    from core.timers.scheduler import timer_sources

    bots = watched_bots()
    if not bots:
        return []
    bot = bots[0]
    cached = _sources.get(bot)
    if cached is None:
        cached = _sources[bot] = timer_sources(bot.plugins, bot)
    return cached


def _job_names() -> Sequence[str]:
    from core.maintenance.engine import MaintenanceEngine

    bots = watched_bots()
    if not bots:
        return []
    return [job.name for job in MaintenanceEngine(bots[0].settings, bots[0].plugins).jobs()]


class Exporter:
    """A running ``/metrics`` endpoint; :attr:`port` is the port actually bound."""

    def __init__(self, settings: Settings, cluster_id: int) -> None:
        self.settings = settings
        self.cluster_id = cluster_id
        self.host = settings.metrics.host
        self.port = exporter_port(settings.metrics.port, cluster_id)
        self.state = ClusterState(_timer_sources, _job_names, settings.metrics.db_refresh_seconds)
        self.watchdog = LoopWatchdog()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Where to scrape, e.g. ``http://127.0.0.1:9310/metrics``."""
        return f"http://{self.host}:{self.port}/metrics"

    async def start(self) -> Exporter:
        """Bind and serve; raise :class:`MetricsError` when the port cannot be used."""
        app = web.Application()
        app.router.add_get("/metrics", self._scrape)
        app.router.add_get("/livez", self._livez)
        app.router.add_get("/readyz", self._readyz)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise MetricsError(
                f"cannot serve metrics on {self.host}:{self.port} (cluster {self.cluster_id}): "
                f"{exc.strerror or exc}; change [metrics] host/port or stop what uses it"
            ) from None
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._runner = runner
        self.watchdog.start()
        log.info("metrics for cluster %d at %s", self.cluster_id, self.url)
        return self

    async def stop(self) -> None:
        """Stop serving."""
        await self.watchdog.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _scrape(self, request: web.Request) -> web.Response:
        _collector.cluster = self.cluster_id
        if watched_bots():
            _collector.snapshot = await self.state.refresh()
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _livez(self, request: web.Request) -> web.Response:
        stalled = round(self.watchdog.stalled_for(), 3)
        alive = self.watchdog.alive()
        body = {"status": "ok" if alive else "stalled", "cluster": self.cluster_id,
                "stalled_seconds": stalled, "bound_seconds": self.watchdog.bound}
        return web.json_response(body, status=200 if alive else 503)

    async def _readyz(self, request: web.Request) -> web.Response:
        result = await readiness(watched_bots())
        return web.json_response(result.body(self.cluster_id), status=200 if result.ready else 503)


_current: Exporter | None = None


async def start_exporter(settings: Settings, cluster_id: int = 0) -> Exporter:
    """Serve this process's metrics (idempotent: a second call returns the running one).

    Also times database statements from now on. Call it in a worker (the cluster
    launcher's, or the bot's start when ``[metrics] enabled``) inside its event loop.
    """
    global _current
    if _current is not None:
        return _current
    instrument_tortoise()
    set_cluster(cluster_id)
    _current = await Exporter(settings, cluster_id).start()
    return _current


def current_exporter() -> Exporter | None:
    """The running exporter of this process, if any."""
    return _current


async def stop_exporter() -> None:
    """Stop this process's exporter (if running)."""
    global _current
    exporter, _current = _current, None
    if exporter is not None:
        await exporter.stop()


def collector() -> Any:
    """The process's scrape-time collector (for tests and tools)."""
    return _collector
