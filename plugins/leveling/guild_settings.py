"""A guild's own leveling settings (``level_settings``, ``level_exclusions``), cached.

``[plugins.leveling]`` gives every guild its defaults. Every change goes through
:class:`GuildLevelConfigs`, which validates it, writes it and invalidates the guild's cache
entry in every process (bus topic ``leveling.settings``), so the next message uses the new
values wherever it arrives. The cache also expires entries after ``ttl`` seconds, a safety
net for a lost bus message. Invalid input raises ``ValueError`` and writes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.plugins.api import TtlCache, bus
from plugins.leveling.models import ANNOUNCE_MODES, LevelExclusion, LevelSettings
from plugins.leveling.settings import LevelingSettings
from plugins.leveling.texts import LevelingRefused

XP_AMOUNT_LIMIT = 10_000
COOLDOWN_LIMIT = 86_400
SETTINGS_TOPIC = "leveling.settings"  # bus: a guild's leveling settings changed
EXCLUSION_KINDS = ("channel", "role")


@dataclass(frozen=True, slots=True)
class GuildLevelConfig:
    """One guild's leveling settings as the hot path reads them."""

    guild_id: int
    xp_min: int
    xp_max: int
    cooldown_seconds: int
    announce_mode: str
    announce_channel_id: int | None
    keep_lower_rewards: bool
    excluded_channels: frozenset[int]
    excluded_roles: frozenset[int]


class GuildLevelConfigs:
    """Reads (cached, bounded) and validated writes of per-guild leveling settings."""

    def __init__(
        self, defaults: LevelingSettings, cache_size: int = 100_000, ttl: float = 300.0
    ) -> None:
        self.defaults = defaults
        self.cache_size = cache_size
        self.ttl = ttl
        # served past expiry (however long the guild was quiet) while refresh_due() reloads
        # it in bulk: a quiet guild's next message costs no query (UNTIL_RELOADED, core's cache)
        self._cache: TtlCache[int, GuildLevelConfig] = TtlCache(cache_size, ttl, math.inf)
        # the cached settings of a guild, or ``None`` when not cached (never awaits); the
        # cache's own method, bound once: the message hook calls it for every message
        self.peek: Callable[[int], GuildLevelConfig | None] = self._cache.peek

    async def get(self, guild_id: int) -> GuildLevelConfig:
        """The guild's settings (defaults when it never changed any); cached, never past
        the TTL (the hot path's :meth:`peek` answers past it until the bulk reload)."""
        return await self._cache.get(guild_id, lambda: self._load(guild_id))

    def invalidate(self, guild_id: int) -> None:
        """Forget the cached settings of a guild."""
        self._cache.invalidate(guild_id)

    async def invalidate_everywhere(self, guild_id: int) -> None:
        """Drop the guild's cached settings here and in every other process (bus)."""
        self.invalidate(guild_id)
        await bus.publish(SETTINGS_TOPIC, {"guild_id": guild_id})

    def listen(self, on: bus.Bus) -> None:
        """Follow changes made by any process (a worker, the dashboard) on bus ``on``."""
        on.unsubscribe(SETTINGS_TOPIC, self._on_changed)
        on.subscribe(SETTINGS_TOPIC, self._on_changed)

    def _on_changed(self, payload: dict[str, Any]) -> None:
        guild_id = payload.get("guild_id")
        if isinstance(guild_id, int):
            self.invalidate(guild_id)

    async def warm(self, guild_ids: Iterable[int]) -> int:
        """Cache many guilds' settings with two queries per 500 guilds; return how many.

        Called when a shard becomes ready, so its first messages find the cache full.
        """
        return await self._cache.warm(guild_ids, self._load_chunk)

    async def refresh_due(self) -> int:
        """Reload, in bulk, the guilds the hot path read past their TTL; return how many."""
        return await self._cache.refresh_due(self._load_chunk)

    async def _load_chunk(self, chunk: list[int]) -> dict[int, GuildLevelConfig]:
        rows = {r.guild_id: r for r in await LevelSettings.filter(guild_id__in=chunk)}
        exclusions: dict[int, list[tuple[str, int]]] = {}
        found = await LevelExclusion.filter(guild_id__in=chunk).values_list(
            "guild_id", "kind", "target_id"
        )
        for guild_id, kind, target in found:
            exclusions.setdefault(guild_id, []).append((kind, target))
        return {g: self._build(g, rows.get(g), exclusions.get(g, [])) for g in chunk}

    async def _load(self, guild_id: int) -> GuildLevelConfig:
        row = await LevelSettings.get_or_none(guild_id=guild_id)
        exclusions = await LevelExclusion.filter(guild_id=guild_id).values_list(
            "kind", "target_id"
        )
        return self._build(guild_id, row, exclusions)

    def _build(
        self, guild_id: int, row: LevelSettings | None, exclusions: list[tuple[str, int]]
    ) -> GuildLevelConfig:
        d = self.defaults
        return GuildLevelConfig(
            guild_id=guild_id,
            xp_min=row.xp_min if row else d.xp_min,
            xp_max=row.xp_max if row else d.xp_max,
            cooldown_seconds=row.cooldown_seconds if row else d.cooldown_seconds,
            announce_mode=row.announce_mode if row else "same",
            announce_channel_id=row.announce_channel_id if row else None,
            keep_lower_rewards=row.keep_lower_rewards if row else True,
            excluded_channels=frozenset(t for k, t in exclusions if k == "channel"),
            excluded_roles=frozenset(t for k, t in exclusions if k == "role"),
        )

    async def _save(self, guild_id: int, **changes: Any) -> GuildLevelConfig:
        d = self.defaults
        row, _ = await LevelSettings.get_or_create(
            guild_id=guild_id,
            defaults={"xp_min": d.xp_min, "xp_max": d.xp_max,
                      "cooldown_seconds": d.cooldown_seconds},
        )
        for key, value in changes.items():
            setattr(row, key, value)
        await row.save(update_fields=[*changes, "updated_at"])
        await self.invalidate_everywhere(guild_id)
        return await self.get(guild_id)

    async def set_rates(
        self,
        guild_id: int,
        xp_min: int | None = None,
        xp_max: int | None = None,
        cooldown_seconds: int | None = None,
    ) -> GuildLevelConfig:
        """Change the XP range per message and/or the cooldown; validated together."""
        current = await self.get(guild_id)
        low = current.xp_min if xp_min is None else xp_min
        high = current.xp_max if xp_max is None else xp_max
        cooldown = current.cooldown_seconds if cooldown_seconds is None else cooldown_seconds
        if not (0 <= low <= XP_AMOUNT_LIMIT and 0 <= high <= XP_AMOUNT_LIMIT):
            raise LevelingRefused("refused.xp_range", maximum=XP_AMOUNT_LIMIT)
        if low > high:
            raise LevelingRefused("refused.xp_order", low=low, high=high)
        if not 0 <= cooldown <= COOLDOWN_LIMIT:
            raise LevelingRefused("refused.cooldown", maximum=COOLDOWN_LIMIT)
        return await self._save(guild_id, xp_min=low, xp_max=high, cooldown_seconds=cooldown)

    async def set_announce(
        self, guild_id: int, mode: str, channel_id: int | None = None
    ) -> GuildLevelConfig:
        """Announce level-ups in the member's channel, a fixed channel, or not at all."""
        if mode not in ANNOUNCE_MODES:
            raise LevelingRefused("refused.mode", modes=", ".join(ANNOUNCE_MODES))
        if mode == "channel" and channel_id is None:
            raise LevelingRefused("refused.channel")
        stored = channel_id if mode == "channel" else None
        return await self._save(guild_id, announce_mode=mode, announce_channel_id=stored)

    async def set_keep_lower_rewards(self, guild_id: int, keep: bool) -> GuildLevelConfig:
        """Keep lower reward roles on reaching a higher one (``False``: replace them)."""
        return await self._save(guild_id, keep_lower_rewards=keep)

    async def exclude(self, guild_id: int, kind: str, target_id: int) -> bool:
        """Exclude a channel or role from earning XP; ``False`` if it already was."""
        if kind not in EXCLUSION_KINDS:
            raise LevelingRefused("refused.kind", kinds=", ".join(EXCLUSION_KINDS))
        _, created = await LevelExclusion.get_or_create(
            guild_id=guild_id, target_id=target_id, defaults={"kind": kind}
        )
        await self.invalidate_everywhere(guild_id)
        return created

    async def include(self, guild_id: int, target_id: int) -> bool:
        """Let a channel or role earn XP again; ``False`` if it was not excluded."""
        deleted = await LevelExclusion.filter(guild_id=guild_id, target_id=target_id).delete()
        await self.invalidate_everywhere(guild_id)
        return deleted > 0
