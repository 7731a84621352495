"""``guild_config``: per-guild settings with a bounded in-process cache.

Every read of a guild's settings (the prefix on every message) goes through
:class:`GuildConfigService`; every write goes through :meth:`GuildConfigService.update`,
which invalidates the cache entry so the next read sees the change. Entries also expire
after ``CACHE_TTL_SECONDS`` so a change made by another worker process is seen within that
time (cross-process invalidation through Redis arrives with the cluster work).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from core.models import GuildConfig, GuildMember

CACHE_TTL_SECONDS = 60.0
EDITABLE_FIELDS = frozenset(
    {"prefix", "welcome_channel_id", "log_channel_id", "mute_role_id", "auto_role_id",
     "xp_enabled"}
)


class GuildConfigService:
    """Reads and writes ``guild_config`` rows; caches up to ``cache_size`` guilds."""

    def __init__(self, default_prefix: str = "!", cache_size: int = 10_000) -> None:
        self.default_prefix = default_prefix
        self.cache_size = cache_size
        self._cache: OrderedDict[int, tuple[float, GuildConfig]] = OrderedDict()

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings, creating the row with defaults when it is missing."""
        cached = self._cache.get(guild_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_TTL_SECONDS:
            self._cache.move_to_end(guild_id)
            return cached[1]
        row, _ = await GuildConfig.get_or_create(
            guild_id=guild_id, defaults={"prefix": self.default_prefix}
        )
        self._remember(guild_id, row)
        return row

    async def prefix(self, guild_id: int | None) -> str:
        """The command prefix of a guild (the default in DMs)."""
        if guild_id is None:
            return self.default_prefix
        return (await self.get(guild_id)).prefix

    async def update(self, guild_id: int, **changes: Any) -> GuildConfig:
        """Change settings of a guild; unknown field names raise ``ValueError``."""
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not a guild setting: {', '.join(sorted(unknown))}")
        if "prefix" in changes:
            prefix = str(changes["prefix"])
            if not 1 <= len(prefix) <= 16 or any(c.isspace() for c in prefix):
                raise ValueError("prefix must be 1-16 characters without spaces")
        row = await self.get(guild_id)
        for key, value in changes.items():
            setattr(row, key, value)
        await row.save(update_fields=[*changes, "updated_at"])
        self.invalidate(guild_id)
        return row

    def invalidate(self, guild_id: int) -> None:
        """Forget the cached row of a guild (after a change made elsewhere)."""
        self._cache.pop(guild_id, None)

    async def purge(self, guild_id: int) -> int:
        """Delete core's data of a guild the bot was removed from; return rows deleted."""
        self.invalidate(guild_id)
        deleted = await GuildMember.filter(guild_id=guild_id).delete()
        deleted += await GuildConfig.filter(guild_id=guild_id).delete()
        return deleted

    def _remember(self, guild_id: int, row: GuildConfig) -> None:
        if self.cache_size <= 0:
            return
        self._cache[guild_id] = (time.monotonic(), row)
        self._cache.move_to_end(guild_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
