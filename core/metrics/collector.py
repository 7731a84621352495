"""Metrics read from the running bots when Prometheus scrapes (no cost in between).

:func:`watch_bot` registers a bot for the life of its connection. At each scrape the
:class:`WorkerCollector` reads, per watched bot: gateway latency per shard, gateway events
by type (counted by :class:`core.bot.dispatch.BatchedDispatch`), whether it holds the leader
lease, the sizes of its write buffers (core's and every plugin's
``guildhall_buffer_sizes``), plus the cluster-wide :class:`~core.metrics.cluster_state.Snapshot`.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.metrics.cluster_state import Snapshot

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

_bots: weakref.WeakSet[GuildhallBot] = weakref.WeakSet()


def watch_bot(bot: GuildhallBot) -> None:
    """Report ``bot`` at every scrape."""
    _bots.add(bot)


def unwatch_bot(bot: GuildhallBot) -> None:
    """Stop reporting ``bot`` (it closed)."""
    _bots.discard(bot)


def watched_bots() -> list[GuildhallBot]:
    """The bots reported now, oldest first by creation order of the set."""
    return list(_bots)


def buffer_sizes(bot: GuildhallBot) -> dict[str, int]:
    """``{buffer: pending items}``: core's activity buffer and every plugin's buffers."""
    sizes = {"core.user_activity": len(bot.user_activity)}
    for _plugin, reported in bot.plugins.call("guildhall_buffer_sizes", bot=bot):
        for name, size in dict(reported).items():
            sizes[str(name)] = sizes.get(str(name), 0) + int(size)
    return sizes


class WorkerCollector(Collector):
    """Produces the scrape-time metric families of this worker process."""

    def __init__(self) -> None:
        self.snapshot = Snapshot()
        self.cluster: int = 0

    def collect(self) -> Iterator[Metric]:
        bots = watched_bots()
        yield self._info(bots)
        yield self._latency(bots)
        yield self._events(bots)
        yield from self._leader(bots)
        yield self._buffers(bots)
        yield from self._cluster_wide()

    def _info(self, bots: list[GuildhallBot]) -> Metric:
        info = GaugeMetricFamily(
            "guildhall_worker_info", "This worker process: its cluster index and shards.",
            labels=("cluster", "shards", "shard_count"),
        )
        for bot in bots:
            shards = ",".join(str(s) for s in sorted(bot.shards)) if bot.shards else ""
            info.add_metric([str(self.cluster), shards, str(bot.shard_count or 0)], 1)
        return info

    def _latency(self, bots: list[GuildhallBot]) -> Metric:
        family = GaugeMetricFamily(
            "guildhall_gateway_latency_seconds",
            "Heartbeat round trip of each connected shard.", labels=("shard",),
        )
        for bot in bots:
            for shard_id, shard in list(bot.shards.items()):
                latency = shard.latency
                if math.isfinite(latency):
                    family.add_metric([str(shard_id)], latency)
        return family

    def _events(self, bots: list[GuildhallBot]) -> Metric:
        family = CounterMetricFamily(
            "guildhall_gateway_events", "Gateway events received, by type.", labels=("type",)
        )
        totals: dict[str, int] = {}
        for bot in bots:
            for event, count in dict(getattr(bot, "gateway_events", {})).items():
                totals[event] = totals.get(event, 0) + count
        for event, count in sorted(totals.items()):
            family.add_metric([event], count)
        return family

    def _leader(self, bots: list[GuildhallBot]) -> Iterator[Metric]:
        leader = GaugeMetricFamily(
            "guildhall_leader", "1 while this worker holds the leader lease, else 0."
        )
        epoch = GaugeMetricFamily(
            "guildhall_leader_epoch", "Fencing epoch of the current term (leader only)."
        )
        holding = [bot.leader for bot in bots if bot.leader is not None and bot.leader.is_leader]
        leader.add_metric([], 1 if holding else 0)
        for duties in holding:
            term = duties.elector.term if duties.elector is not None else None
            if term is not None:
                epoch.add_metric([], term.epoch)
        yield leader
        yield epoch

    def _buffers(self, bots: list[GuildhallBot]) -> Metric:
        family = GaugeMetricFamily(
            "guildhall_buffer_size", "Items waiting in a buffered-write queue.", labels=("buffer",)
        )
        totals: dict[str, int] = {}
        for bot in bots:
            for name, size in buffer_sizes(bot).items():
                totals[name] = totals.get(name, 0) + size
        for name, size in sorted(totals.items()):
            family.add_metric([name], size)
        return family

    def _cluster_wide(self) -> Iterator[Metric]:
        snap = self.snapshot
        if snap.read_at is None:
            return
        lag = GaugeMetricFamily(
            "guildhall_scheduler_lag_seconds",
            "Now minus the due time of the oldest unprocessed timer row, by timer source.",
            labels=("source",),
        )
        for source, seconds in sorted(snap.lag.items()):
            lag.add_metric([source], seconds)
        yield lag
        yield from self._jobs(snap)
        age = GaugeMetricFamily(
            "guildhall_backup_age_seconds",
            "Age of the newest verified backup (+Inf when there is none).",
        )
        now = datetime.now(UTC)
        age.add_metric([], (now - snap.backup_at).total_seconds() if snap.backup_at else math.inf)
        yield age
        read = GaugeMetricFamily(
            "guildhall_metrics_db_read_age_seconds",
            "Seconds since the cluster-wide values were read from the database.",
        )
        read.add_metric([], time.monotonic() - snap.read_at)
        yield read

    def _jobs(self, snap: Snapshot) -> Iterator[Metric]:
        specs = {
            "ok": "1 when the newest run of the job succeeded, else 0.",
            "timestamp_seconds": "Start of the newest run of the job (Unix time).",
            "rows": "Rows handled by the newest run of the job.",
            "duration_seconds": "Duration of the newest finished run of the job.",
        }
        families = {
            key: GaugeMetricFamily(f"guildhall_maintenance_last_run_{key}", text, labels=("job",))
            for key, text in specs.items()
        }
        for job, state in sorted(snap.jobs.items()):
            families["ok"].add_metric([job], 1 if state.ok else 0)
            families["timestamp_seconds"].add_metric([job], state.started_at.timestamp())
            families["rows"].add_metric([job], state.rows)
            if state.seconds is not None:
                families["duration_seconds"].add_metric([job], state.seconds)
        yield from families.values()
