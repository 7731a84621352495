"""The bot a worker runs: a GuildhallBot for some shards of a larger plan."""

from __future__ import annotations

from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.coordination.identify import IdentifyLimiter
from core.plugins.manager import PluginManager
from core.runtime.config import Settings


def worker_settings(settings: Settings, cluster_index: int) -> Settings:
    """``settings`` where only cluster 0 syncs application commands with Discord."""
    if cluster_index == 0 or not settings.discord.sync_commands:
        return settings
    discord = settings.discord.model_copy(update={"sync_commands": False})
    return settings.model_copy(update={"discord": discord})


class WorkerBot(GuildhallBot):
    """``shard_ids`` of ``shard_count``; IDENTIFY through the cross-process limiter.

    disnake's own start-up check compares the session budget with the *total* shard
    count; the launcher already checked the budget for what this machine starts, so the
    worker skips that check. Gateway events are counted for the status report, and REST
    calls carry ``guildhall-cluster/<index>`` in their User-Agent.
    """

    def __init__(
        self,
        settings: Settings,
        plugins: PluginManager,
        *,
        limiter: IdentifyLimiter,
        cluster_index: int,
        **options: Any,
    ) -> None:
        super().__init__(worker_settings(settings, cluster_index), plugins, **options)
        self.limiter = limiter
        self.cluster_index = cluster_index
        self.http.user_agent += f" guildhall-cluster/{cluster_index}"  # who called, in logs

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for the shard's identify bucket (first connects and re-identifies alike)."""
        await self.limiter.acquire(shard_id or 0)

    async def connect(
        self, *, reconnect: bool = True, ignore_session_start_limit: bool = False
    ) -> None:
        """Connect this worker's shards (the launcher checked the session budget)."""
        await super().connect(reconnect=reconnect, ignore_session_start_limit=True)

    @property
    def events_seen(self) -> int:
        """Gateway events received so far (counted by type in ``gateway_events``)."""
        return sum(self.gateway_events.values())
