"""The shard plan: how many shards, which cluster holds which, what this machine runs.

``[cluster] shard_count = "auto"`` asks ``GET {api_base}/gateway/bot`` (Discord's
recommendation plus the session start limit). Shards are split into clusters of
``shards_per_cluster`` consecutive ids; a machine runs a slice of the clusters. Before
anything starts, the session start budget is checked against the shards of the slice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from core.runtime.cluster_ranges import compact, parse_clusters
from core.runtime.cluster_settings import ClusterSettings

log = logging.getLogger(__name__)


class PlanError(Exception):
    """The plan cannot be made or must not start; the message says why and what to do."""


@dataclass(frozen=True)
class GatewayInfo:
    """What ``GET /gateway/bot`` says: recommended shards and the session start limit."""

    shards: int
    total: int
    remaining: int
    reset_after_ms: int
    max_concurrency: int


RefreshInfo = Callable[[], Awaitable[GatewayInfo]]


@dataclass(frozen=True)
class Cluster:
    """One worker process's share: cluster ``index`` holds ``shard_ids``."""

    index: int
    shard_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        """``cluster 3 shards 12-15``."""
        return f"cluster {self.index} shards {compact(self.shard_ids)}"


@dataclass(frozen=True)
class ShardPlan:
    """The whole deployment's shards and clusters, and the slice this machine runs."""

    shard_count: int
    max_concurrency: int
    clusters: tuple[Cluster, ...]
    local: tuple[Cluster, ...]

    @property
    def local_shards(self) -> int:
        """How many shards this machine starts."""
        return sum(len(c.shard_ids) for c in self.local)

    @property
    def whole(self) -> bool:
        """True when this machine runs every cluster."""
        return len(self.local) == len(self.clusters)


async def fetch_gateway_info(api_base: str, token: str, timeout: float = 30.0) -> GatewayInfo:  # noqa: ASYNC109
    """``GET {api_base}/gateway/bot`` with the bot token; raise :class:`PlanError` on failure."""
    url = f"{api_base.rstrip('/')}/gateway/bot"
    headers = {"Authorization": f"Bot {token}", "User-Agent": "guildhall (cluster launcher)"}
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status == 401:
                raise PlanError(
                    f"Discord refused the bot token (401 from {url}); check DISCORD_TOKEN"
                )
            if response.status != 200:
                raise PlanError(f"GET {url} answered HTTP {response.status}; try again later")
            body = await response.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise PlanError(f"cannot reach {url}: {exc or type(exc).__name__}") from None
    try:
        limit = body["session_start_limit"]
        return GatewayInfo(
            shards=int(body["shards"]),
            total=int(limit["total"]),
            remaining=int(limit["remaining"]),
            reset_after_ms=int(limit["reset_after"]),
            max_concurrency=int(limit.get("max_concurrency", 1)),
        )
    except (KeyError, TypeError, ValueError):
        raise PlanError(f"GET {url} returned an unexpected body: {str(body)[:200]}") from None


def split_clusters(shard_count: int, shards_per_cluster: int) -> tuple[Cluster, ...]:
    """Consecutive shard ids, ``shards_per_cluster`` per cluster (the last may hold fewer)."""
    return tuple(
        Cluster(index, tuple(range(start, min(start + shards_per_cluster, shard_count))))
        for index, start in enumerate(range(0, shard_count, shards_per_cluster))
    )


def ordinal_from(value: str, variable: str) -> int:
    """``"3"`` or ``"guildhall-3"`` -> 3 (a StatefulSet pod's ordinal)."""
    match = re.search(r"(\d+)$", value.strip())
    if match is None:
        raise PlanError(
            f"${variable} = {value!r} holds no ordinal; expected a number or a name ending "
            "in -N such as guildhall-3"
        )
    return int(match.group(1))


def local_indexes(
    settings: ClusterSettings, cluster_count: int, clusters: str | None = None
) -> list[int]:
    """The cluster indexes this machine runs: ``--clusters``, ``[cluster] clusters``,
    the ordinal variable, or all of them."""
    chosen = clusters if clusters is not None else settings.clusters
    if chosen:
        try:
            indexes = parse_clusters(chosen)
        except ValueError as exc:
            raise PlanError(f"--clusters {chosen}: {exc}") from None
        source = f"clusters {chosen}"
    elif settings.ordinal_env:
        raw = os.environ.get(settings.ordinal_env)
        if raw is None:
            raise PlanError(
                f"[cluster] ordinal_env = {settings.ordinal_env!r} but that variable is not set"
            )
        ordinal = ordinal_from(raw, settings.ordinal_env)
        first = ordinal * settings.clusters_per_machine
        wanted = range(first, first + settings.clusters_per_machine)
        indexes = [i for i in wanted if i < cluster_count] or list(wanted)  # the last may run fewer
        source = f"ordinal {ordinal} (${settings.ordinal_env})"
    else:
        return list(range(cluster_count))
    outside = [i for i in indexes if i >= cluster_count]
    if outside:
        raise PlanError(
            f"{source} asks for cluster(s) {compact(outside)} but the plan has only "
            f"{cluster_count} (0-{cluster_count - 1})"
        )
    return indexes


def make_plan(
    settings: ClusterSettings,
    info: GatewayInfo,
    *,
    clusters: str | None = None,
    total_clusters: int | None = None,
) -> ShardPlan:
    """The plan for ``info`` (from Discord) and ``settings``, sliced for this machine."""
    count = info.shards if settings.shard_count == "auto" else settings.shard_count
    count = max(count, 1)
    all_clusters = split_clusters(count, settings.shards_per_cluster)
    expected = total_clusters if total_clusters is not None else settings.total_clusters
    if expected and expected != len(all_clusters):
        raise PlanError(
            f"the plan has {len(all_clusters)} cluster(s) ({count} shards, "
            f"{settings.shards_per_cluster} per cluster) but total clusters is {expected}; "
            "every machine must use the same shard_count and shards_per_cluster"
        )
    wanted = local_indexes(settings, len(all_clusters), clusters)
    local = tuple(all_clusters[i] for i in wanted)
    return ShardPlan(count, max(info.max_concurrency, 1), all_clusters, local)


def budget_problem(info: GatewayInfo, shards: int) -> str | None:
    """Why starting ``shards`` sessions now would exceed Discord's budget (None: it fits)."""
    if info.remaining >= shards:
        return None
    hours = info.reset_after_ms / 3_600_000
    return (
        f"Discord allows {info.remaining} more session start(s) of {info.total} today and "
        f"this machine would start {shards} shard(s); the budget resets in {hours:.1f} h. "
        'Starting now would burn it. Wait, or set [cluster] low_session_budget = "wait".'
    )


async def check_budget(
    settings: ClusterSettings, info: GatewayInfo, shards: int, refresh: RefreshInfo
) -> GatewayInfo:
    """Return fresh info once ``shards`` sessions fit; refuse or wait as configured."""
    while (problem := budget_problem(info, shards)) is not None:
        if settings.low_session_budget == "refuse":
            raise PlanError(problem)
        delay = info.reset_after_ms / 1000 + 1
        log.warning("%s Waiting %.0f s for the reset.", problem.split(" Starting")[0], delay)
        await asyncio.sleep(delay)
        info = await refresh()
    return info

