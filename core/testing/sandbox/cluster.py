"""The sandbox's cluster: two worker processes of two shards each, aimed at the double.

Workers read their settings from the environment built here: the double's address and
token (never a real Discord), its short identify window, the sandbox's database, Redis
and leader duties (:mod:`core.testing.sandbox.isolation`), and a status directory,
identify, status and leader keys under ``guildhall-sandbox-<pid>``, so a sandbox never
competes with a real deployment sharing the same Redis or data directory.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from cluster.planning import ShardPlan, split_clusters
from core.runtime.cluster_settings import ClusterSettings
from core.runtime.config import Settings
from core.testing.double import DiscordDouble
from core.testing.sandbox.isolation import sandbox_namespace, worker_environment

WORKERS, SHARDS_PER_WORKER = 2, 2
SANDBOX_CLUSTER: dict[str, Any] = {  # ClusterSettings fields
    "status_interval_seconds": 1.0,
    "status_stale_seconds": 5.0,
    "heartbeat_timeout_seconds": 30.0,
    "stop_timeout_seconds": 15.0,
    "guild_ready_timeout_seconds": 0.1,
}


def sandbox_plan() -> ShardPlan:
    """2 clusters x 2 shards, all on this machine, one identify bucket."""
    clusters = split_clusters(WORKERS * SHARDS_PER_WORKER, SHARDS_PER_WORKER)
    return ShardPlan(WORKERS * SHARDS_PER_WORKER, 1, clusters, clusters)


def sandbox_cluster(
    settings: Settings, double: DiscordDouble, verbose: bool = False
) -> tuple[Settings, dict[str, str]]:
    """(settings for the supervisor, environment for the workers) of one sandbox run."""
    namespace = sandbox_namespace()
    window = double.config.identify_window
    cluster = ClusterSettings(
        **SANDBOX_CLUSTER,
        identify_window_seconds=window,
        identify_margin_seconds=window,
        identify_key=f"{namespace}:identify",
        status_key=f"{namespace}:status",
        status_directory=str(Path(tempfile.gettempdir()) / f"{namespace}-status"),
    )
    leader = settings.leader.model_copy(update={"key": f"{namespace}:leader"})
    settings = settings.model_copy(update={"cluster": cluster, "leader": leader})
    env = {k: v for k, v in worker_environment(settings).items()
           if not k.startswith(("GUILDHALL_DISCORD__", "GUILDHALL_CLUSTER__"))}
    env.pop("DISCORD_TOKEN", None)
    env.update(
        GUILDHALL_DISCORD__API_BASE=double.api_base,
        GUILDHALL_DISCORD__TOKEN=double.token,
        GUILDHALL_DISCORD__TEST_GUILDS="[]",
        GUILDHALL_DISCORD__SYNC_COMMANDS="true",
    )
    if not verbose:
        env["GUILDHALL_LOGGING__LEVEL"] = "WARNING"
        env["GUILDHALL_LOGGING__LOGGERS"] = json.dumps({"disnake": "ERROR", "tortoise": "WARNING"})
    for key, value in cluster.model_dump().items():
        env[f"GUILDHALL_CLUSTER__{key.upper()}"] = str(value)
    return settings, env
