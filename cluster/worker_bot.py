"""The bot a worker runs: a GuildhallBot for some shards of a larger plan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from disnake.shard import SessionStartLimit

from core.bot.guildhall_bot import GuildhallBot
from core.coordination.identify import IdentifyLimiter
from core.plugins.manager import PluginManager
from core.runtime.config import Settings

log = logging.getLogger(__name__)


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
    worker skips that check. disnake launches shards one after another, so a shard waiting
    for its bucket (held by another worker) would hold back the shards behind it whose
    buckets are free: the worker launches one chain of shards per bucket, the chains side
    by side. Gateway events are counted for the status report, and REST calls carry
    ``guildhall-cluster/<index>`` in their User-Agent.
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
        self._restarting: set[asyncio.Task[None]] = set()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for the shard's identify bucket (first connects and re-identifies alike).

        disnake writes the IDENTIFY right after this returns, before the task yields; the
        task made here runs after that and restarts the bucket's window from the send.
        """
        shard = shard_id or 0
        await self.limiter.acquire(shard)
        task = asyncio.create_task(self._identify_sent(shard))
        self._restarting.add(task)
        task.add_done_callback(self._restarting.discard)

    async def _identify_sent(self, shard_id: int) -> None:
        try:
            await self.limiter.sent(shard_id)
        except Exception:  # the grant's own window still holds: only the stall cover is lost
            log.warning("could not restart the identify window of shard %s", shard_id,
                        exc_info=True)

    async def launch_shards(self, *, ignore_session_start_limit: bool = False) -> None:
        """disnake's ``launch_shards`` with one launch chain per identify bucket."""
        shard_count, gateway, session_start_limit = await self.http.get_bot_gateway(
            encoding=self.gateway_params.encoding, zlib=self.gateway_params.zlib)
        self.session_start_limit = SessionStartLimit(session_start_limit)
        if self.shard_count is None:
            self.shard_count = shard_count
        self._connection.shard_count = self.shard_count
        shard_ids = self.shard_ids or list(range(self.shard_count))
        self._connection.shard_ids = shard_ids
        chains = launch_chains(shard_ids, self.limiter.max_concurrency)
        await asyncio.gather(*(self._launch_chain(gateway, chain, shard_ids[0])
                               for chain in chains))
        self._connection.shards_launched.set()

    async def _launch_chain(self, gateway: str, chain: Sequence[int], first: int) -> None:
        for shard_id in chain:
            await self.launch_shard(gateway, shard_id, initial=shard_id == first)

    async def connect(
        self, *, reconnect: bool = True, ignore_session_start_limit: bool = False
    ) -> None:
        """Connect this worker's shards (the launcher checked the session budget)."""
        await super().connect(reconnect=reconnect, ignore_session_start_limit=True)

    @property
    def events_seen(self) -> int:
        """Gateway events received so far (counted by type in ``gateway_events``)."""
        return sum(self.gateway_events.values())


def launch_chains(shard_ids: Sequence[int], max_concurrency: int) -> list[list[int]]:
    """``shard_ids`` grouped by identify bucket (``shard % max_concurrency``), each group in
    the given order: one chain per bucket, launched side by side."""
    chains: dict[int, list[int]] = {}
    for shard_id in shard_ids:
        chains.setdefault(shard_id % max(max_concurrency, 1), []).append(shard_id)
    return list(chains.values())
