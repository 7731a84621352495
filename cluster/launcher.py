"""``guildhall run``: plan the shards, migrate, start this machine's workers, supervise.

Order: ask Discord for the shard count and session budget (``GET /gateway/bot``), make
the plan and this machine's slice, refuse a partial slice without Redis (several
machines need shared coordination), check the session budget for the shards about to
start (refuse or wait), apply pending migrations under their lock, then run one worker
process per local cluster until SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from cluster.planning import (
    PlanError,
    ShardPlan,
    check_budget,
    fetch_gateway_info,
    make_plan,
)
from cluster.supervisor import Supervisor
from core.runtime.assembly import Runtime
from core.runtime.cluster_ranges import compact
from core.web.server import open_dashboard

log = logging.getLogger(__name__)


class LaunchError(PlanError):
    """A configuration problem found at launch (exit code 2)."""


async def plan_for(
    runtime: Runtime, clusters: str | None = None, total_clusters: int | None = None
) -> ShardPlan:
    """The checked plan for this machine (session budget included)."""
    settings = runtime.settings
    api_base, token = settings.discord.api_base, settings.discord.token.get_secret_value()
    info = await fetch_gateway_info(api_base, token)
    try:
        plan = make_plan(settings.cluster, info, clusters=clusters, total_clusters=total_clusters)
    except PlanError as exc:
        raise LaunchError(str(exc)) from None
    if not plan.whole and not settings.redis.url.get_secret_value():
        raise LaunchError(
            f"this machine would run clusters {compact(c.index for c in plan.local)} of "
            f"{len(plan.clusters)}, but without Redis only one machine may run the bot "
            "(identify limits, the leader lease and status need shared state). Set "
            "REDIS_URL (and a shared PostgreSQL DATABASE_URL), or run every cluster here."
        )
    await check_budget(
        settings.cluster, info, plan.local_shards, lambda: fetch_gateway_info(api_base, token)
    )
    return plan


async def launch(
    runtime: Runtime,
    *,
    clusters: str | None = None,
    total_clusters: int | None = None,
    config_path: str | None = None,
) -> int:
    """Run the launcher until SIGTERM/SIGINT; return the exit code (0 = clean stop)."""
    plan = await plan_for(runtime, clusters, total_clusters)
    applied = await runtime.upgrade()
    if applied:
        log.info("applied %d migration(s)", len(applied))
    log.info(
        "%d shard(s) in %d cluster(s), %d identify bucket(s); this machine runs %s",
        plan.shard_count, len(plan.clusters), plan.max_concurrency,
        "; ".join(c.label for c in plan.local),
    )
    supervisor = Supervisor(runtime.settings, plan, config_path=config_path)
    dashboard = await open_dashboard(runtime) if runtime.settings.web.enabled else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await supervisor.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping %d worker(s)", len(plan.local))
        code = await supervisor.stop()
        if dashboard is not None:
            await dashboard.stop()
    return code
