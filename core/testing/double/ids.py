"""Snowflake ids with a realistic timestamp component."""

from __future__ import annotations

import time

DISCORD_EPOCH_MS = 1420070400000


def snowflake_time_ms(snowflake: int) -> int:
    """Return the unix timestamp (ms) embedded in ``snowflake``."""
    return (snowflake >> 22) + DISCORD_EPOCH_MS


def shard_for(guild_id: int, shard_count: int) -> int:
    """Return the shard that receives events for ``guild_id`` (Discord's formula)."""
    return (guild_id >> 22) % max(shard_count, 1)


class SnowflakeGenerator:
    """Generate unique snowflakes whose timestamp advances at least 1 ms per id.

    Advancing the timestamp per id (instead of only the increment bits) makes
    ``(id >> 22) % shard_count`` spread consecutive guilds over shards, like ids
    created at different moments on the real platform.
    """

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._worker = worker_id & 0x1F
        self._process = process_id & 0x1F
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        """Return a new snowflake."""
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last_ms = max(now_ms, self._last_ms + 1)
        self._increment = (self._increment + 1) & 0xFFF
        return (
            (self._last_ms << 22) | (self._worker << 17) | (self._process << 12) | self._increment
        )

    def for_shard(self, shard_id: int, shard_count: int) -> int:
        """Return a new snowflake that maps to ``shard_id`` out of ``shard_count``."""
        while True:
            candidate = self.next()
            if shard_for(candidate, shard_count) == shard_id:
                return candidate
