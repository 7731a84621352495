"""``guild_config``: per-guild settings with a bounded in-process cache.

Every read of a guild's settings (the prefix on every message) goes through
:class:`GuildConfigService`; every write goes through :meth:`GuildConfigService.update`,
which writes one ``settings_audit`` row per changed setting (when the actor is known) and
drops the guild's cache entry in EVERY worker process through the bus (topic
``guild_config.invalidate``; :meth:`GuildConfigService.listen` subscribes a service).
Entries also expire after ``CACHE_TTL_SECONDS``, a safety net for a lost bus message.

Reading a guild with no row creates it with the defaults. When the database refuses that
write (read-only, full, unreachable for writes) the reader gets the defaults anyway, as an
unsaved stand-in cached only ``STAND_IN_TTL_SECONDS``: the guild keeps working (prefix,
XP) and the row is created by a later read once writes succeed. This is logged once per
outage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from tortoise.transactions import in_transaction

from core.coordination import bus
from core.db.errors import database_message, is_database_error
from core.db.models import GuildConfig, GuildXpBucket
from core.services import audit, plugin_switches
from core.services.cache import UNTIL_RELOADED, TtlCache
from core.services.members import delete_members

log = logging.getLogger(__name__)

# a safety net for a lost bus message (every write invalidates through the bus); 5 min like
# the plugin switches: a shorter TTL reloads a worker's quiet guilds (a message every few
# minutes each at 12,500 guilds per worker) once per message (tests/bench/guild_cpu.py)
CACHE_TTL_SECONDS = 300.0
STAND_IN_TTL_SECONDS = 10.0
INVALIDATE_TOPIC = "guild_config.invalidate"
EDITABLE_FIELDS = frozenset(
    {"prefix", "welcome_channel_id", "log_channel_id", "mute_role_id", "auto_role_id",
     "xp_enabled", "public_pages"}
)


class GuildConfigService:
    """Reads and writes ``guild_config`` rows; caches up to ``cache_size`` guilds."""

    def __init__(
        self,
        default_prefix: str = "!",
        cache_size: int = 100_000,  # above the 20,000 guilds of 8 full shards
        cache_ttl: float = CACHE_TTL_SECONDS,
        stand_in_ttl: float = STAND_IN_TTL_SECONDS,
    ) -> None:
        self.default_prefix = default_prefix
        self.cache_size = cache_size
        self.stand_in_ttl = stand_in_ttl
        self._refused = False  # creating rows failed (logged once until it works again)
        # served past expiry (however long the guild was quiet) while refresh_due() reloads
        # it in bulk: a quiet guild's next message costs no query (core/services/cache.py)
        self._cache: TtlCache[int, GuildConfig] = TtlCache(
            cache_size, cache_ttl, UNTIL_RELOADED, ttl_for=self._ttl_for)
        # the cached settings of a guild or None when not cached (never awaits; hot path)
        self.peek: Callable[[int], GuildConfig | None] = self._cache.peek

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings (fresh: never past the TTL, unlike :attr:`peek`), creating
        the row with defaults when it is missing (an unsaved stand-in with the defaults
        when the database refuses the write)."""
        return await self._cache.get(guild_id, lambda: self._load(guild_id))

    async def warm(self, guild_ids: Iterable[int]) -> int:
        """Cache many guilds' settings with one query per 500 guilds; return how many.

        Called when a shard becomes ready, so its first messages find the cache full;
        missing rows are created with defaults, as :meth:`get` would.
        """
        return await self._cache.warm(guild_ids, self._load_chunk)

    async def refresh_due(self) -> int:
        """Reload, in bulk, the guilds the hot path read past their TTL; return how many."""
        return await self._cache.refresh_due(self._load_chunk)

    async def _load_chunk(self, chunk: list[int]) -> dict[int, GuildConfig]:
        rows = {r.guild_id: r for r in await GuildConfig.filter(guild_id__in=chunk)}
        missing = [g for g in chunk if g not in rows]
        if missing:
            rows.update(await self._create(missing))
        return rows

    async def _load(self, guild_id: int) -> GuildConfig:
        row = await GuildConfig.get_or_none(guild_id=guild_id)
        if row is None:
            row = (await self._create([guild_id]))[guild_id]
        return row

    async def _create(self, guild_ids: list[int]) -> dict[int, GuildConfig]:
        """Store default rows for ``guild_ids`` (which have none); stand-ins if refused."""
        try:
            await GuildConfig.bulk_create(
                [GuildConfig(guild_id=g, prefix=self.default_prefix) for g in guild_ids],
                ignore_conflicts=True,  # another process may have created some meanwhile
            )
            rows = {r.guild_id: r for r in await GuildConfig.filter(guild_id__in=guild_ids)}
        except Exception as exc:
            if not is_database_error(exc):
                raise
            if not self._refused:
                self._refused = True
                log.warning("cannot store the settings of %d new guild(s) such as %s (%s); "
                            "using the defaults and trying again later", len(guild_ids),
                            guild_ids[0], database_message(exc) or exc)
            return {g: self._stand_in(g) for g in guild_ids}
        if self._refused:
            self._refused = False
            log.info("storing new guilds' settings works again")
        return {g: rows.get(g) or self._stand_in(g) for g in guild_ids}

    def _stand_in(self, guild_id: int) -> GuildConfig:
        """The default settings of a guild, not stored."""
        return GuildConfig(guild_id=guild_id, prefix=self.default_prefix)

    def _ttl_for(self, row: GuildConfig) -> float | None:
        """Stand-ins (never saved) are cached briefly, so the row is created soon."""
        return None if row._saved_in_db else self.stand_in_ttl

    async def prefix(self, guild_id: int | None) -> str:
        """The command prefix of a guild (the default in DMs)."""
        if guild_id is None:
            return self.default_prefix
        return (await self.get(guild_id)).prefix

    async def update(
        self, guild_id: int, *, actor_id: int | None = None, source: str = "slash",
        **changes: Any,
    ) -> GuildConfig:
        """Change settings of a guild; unknown field names raise ``ValueError``.

        With ``actor_id`` (who asked) and ``source`` (``slash``/``prefix``/``web``) every
        setting whose value changes gets an audit row, in the same transaction.
        """
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not a guild setting: {', '.join(sorted(unknown))}")
        if "prefix" in changes:
            prefix = str(changes["prefix"])
            if not 1 <= len(prefix) <= 16 or any(c.isspace() for c in prefix):
                raise ValueError("prefix must be 1-16 characters without spaces")
        if actor_id is not None and source not in audit.SOURCES:
            raise ValueError(f"audit source must be one of {', '.join(audit.SOURCES)}")
        async with in_transaction():
            row, _ = await GuildConfig.get_or_create(  # the stored values, not a cached copy
                guild_id=guild_id, defaults={"prefix": self.default_prefix}
            )
            before = {key: getattr(row, key) for key in changes}
            for key, value in changes.items():
                setattr(row, key, value)
            await row.save(update_fields=[*changes, "updated_at"])
            if actor_id is not None:
                for key, value in changes.items():
                    if before[key] != value:
                        await audit.record_change(
                            guild_id, actor_id, source, key, before[key], value
                        )
        await self.invalidate_everywhere(guild_id)
        return row

    async def invalidate_everywhere(self, guild_id: int) -> None:
        """Drop the guild's cached row here and in every other process (bus)."""
        self.invalidate(guild_id)
        await bus.publish(INVALIDATE_TOPIC, {"guild_id": guild_id})

    def listen(self, on: bus.Bus) -> None:
        """Drop cached rows when any process changes a guild's settings (on bus ``on``)."""
        on.subscribe(INVALIDATE_TOPIC, self._on_invalidate)

    def _on_invalidate(self, payload: dict[str, Any]) -> None:
        guild_id = payload.get("guild_id")
        if isinstance(guild_id, int):
            self.invalidate(guild_id)

    def invalidate(self, guild_id: int) -> None:
        """Forget the cached row of a guild (after a change made elsewhere)."""
        self._cache.invalidate(guild_id)

    async def purge(self, guild_id: int) -> int:
        """Delete core's data of a guild the bot was removed from; return rows deleted."""
        self.invalidate(guild_id)
        deleted = await delete_members(guild_id=guild_id)
        # the triggers left the guild's rank counts at zero: drop those rows too
        deleted += await GuildXpBucket.filter(guild_id=guild_id).delete()
        deleted += await GuildConfig.filter(guild_id=guild_id).delete()
        deleted += await plugin_switches.purge(guild_id)
        deleted += await audit.purge(guild_id)
        return deleted
