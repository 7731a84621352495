"""Worker status reports: what each worker says about itself every few seconds.

A report is also the worker's heartbeat for its launcher. Reports live in Redis
(``<status_key>:<cluster>``, expiring after 20 stale periods) when ``[redis] url`` is set,
so ``guildhall status`` on any machine sees the whole deployment; otherwise one JSON file
per cluster in ``[cluster] status_directory``. Readers (``guildhall status``, the web
dashboard) use :func:`read_statuses`.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import redis.asyncio as aioredis

from core.coordination import Coordination, coordination_for
from core.coordination.redis_backend import RedisCoordination
from core.runtime.config import Settings

STATES = ("starting", "ready", "stopping", "stopped", "failed")
FINAL_STATES = ("stopped", "failed")


@dataclass
class WorkerStatus:
    """One worker's latest report."""

    cluster: int
    shard_ids: list[int]
    shard_count: int
    host: str
    pid: int
    state: str = "starting"
    started_at: float = 0.0
    reported_at: float = 0.0
    guilds: int = 0
    latencies: dict[int, float | None] = field(default_factory=dict)
    events_per_second: float = 0.0
    rss_bytes: int = 0
    leader: bool = False

    def to_json(self) -> str:
        """The report as JSON (shard ids in ``latencies`` become strings)."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> WorkerStatus:
        """Parse a report written by :meth:`to_json`; raise ``ValueError`` when malformed."""
        try:
            data: dict[str, Any] = json.loads(raw)
            data["latencies"] = {int(k): v for k, v in data.get("latencies", {}).items()}
            known = cls.__dataclass_fields__
            return cls(**{k: v for k, v in data.items() if k in known})
        except (TypeError, KeyError, json.JSONDecodeError, AttributeError) as exc:
            raise ValueError(f"malformed status report: {exc}") from None

    def age(self, now: float | None = None) -> float:
        """Seconds since this report was written."""
        return (time.time() if now is None else now) - self.reported_at

    def is_stale(self, stale_seconds: float, now: float | None = None) -> bool:
        """True when a running worker has not reported for ``stale_seconds``."""
        return self.state not in FINAL_STATES and self.age(now) > stale_seconds

    @property
    def worst_latency(self) -> float | None:
        """The highest known shard latency in seconds (None before any heartbeat)."""
        known = [v for v in self.latencies.values() if v is not None and v == v and v < 1e6]
        return max(known) if known else None


class StatusStore(Protocol):
    """Where reports are written and read."""

    async def write(self, status: WorkerStatus) -> None:
        """Store ``status`` as its cluster's latest report."""

    async def read_all(self) -> list[WorkerStatus]:
        """Every cluster's latest report, by cluster index."""

    async def close(self) -> None:
        """Release connections."""


class RedisStatusStore:
    """Reports as Redis keys ``<key>:<cluster>`` (visible from every machine)."""

    def __init__(self, url: str, key: str, keep_seconds: float) -> None:
        self.key = key
        self.keep_ms = max(int(keep_seconds * 1000), 1000)
        self._redis = aioredis.from_url(url)

    async def write(self, status: WorkerStatus) -> None:
        """``SET <key>:<cluster> json PX keep``."""
        await self._redis.set(f"{self.key}:{status.cluster}", status.to_json(), px=self.keep_ms)

    async def read_all(self) -> list[WorkerStatus]:
        """Scan ``<key>:*`` and parse every report (malformed ones are skipped)."""
        keys = [k async for k in self._redis.scan_iter(match=f"{self.key}:*", count=500)]
        values = await self._redis.mget(keys) if keys else []
        return _parsed(values)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


class FileStatusStore:
    """Reports as ``cluster-<n>.json`` files in one directory (one machine)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def write(self, status: WorkerStatus) -> None:
        """Write atomically (temp file + rename), so readers never see half a report."""
        await asyncio.to_thread(self._write, status)

    def _write(self, status: WorkerStatus) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"cluster-{status.cluster}.json"
        temp = final.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(status.to_json(), encoding="utf-8")
        os.replace(temp, final)

    async def read_all(self) -> list[WorkerStatus]:
        """Every ``cluster-*.json`` in the directory."""
        return await asyncio.to_thread(self._read_all)

    def _read_all(self) -> list[WorkerStatus]:
        if not self.directory.is_dir():
            return []
        values = []
        for path in self.directory.glob("cluster-*.json"):
            try:
                values.append(path.read_bytes())
            except FileNotFoundError:
                continue
        return _parsed(values)

    async def close(self) -> None:
        """Nothing to release."""


def _parsed(values: list[Any]) -> list[WorkerStatus]:
    found = []
    for raw in values:
        if raw is None:
            continue
        try:
            found.append(WorkerStatus.from_json(raw))
        except ValueError:
            continue
    return sorted(found, key=lambda s: s.cluster)


def make_store(settings: Settings, coordination: Coordination | None = None) -> StatusStore:
    """Redis when the deployment coordinates through Redis (``[redis] url`` set), else the
    local status directory."""
    cluster = settings.cluster
    chosen = coordination if coordination is not None else coordination_for(settings)
    if isinstance(chosen, RedisCoordination):
        return RedisStatusStore(chosen.url, cluster.status_key, cluster.status_stale_seconds * 20)
    return FileStatusStore(Path(cluster.status_directory))


async def read_statuses(settings: Settings) -> list[WorkerStatus]:
    """Every worker's latest report for the deployment ``settings`` describe."""
    store = make_store(settings)
    try:
        return await store.read_all()
    finally:
        await store.close()


def rss_bytes() -> int:
    """Resident memory of this process in bytes (Linux ``/proc``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
