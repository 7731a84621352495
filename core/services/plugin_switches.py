"""Per-guild plugin switches (``guild_plugins``): may plugin X act in guild G?

A guild without a row for a plugin has it enabled; a row says enabled or disabled. Every
bot process checks this on the hot path (each message, each command), so reads come from
an in-process cache (the guild's set of disabled plugins): :func:`cached_enabled` never
awaits, :func:`is_enabled` loads a missing guild once. A change made through
:func:`set_enabled` (slash command, dashboard, any process) publishes
``plugin_switches.invalidate`` on the bus, and every process drops that guild's entry;
the cache TTL is only a safety net for a lost bus message.

Works with or without a bot: the web dashboard calls the same functions in its own
process. Core itself (``"core"``) cannot be switched off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.coordination import bus
from core.db.models import GuildPluginSwitch
from core.services import audit
from core.services.cache import UNTIL_RELOADED, TtlCache

log = logging.getLogger(__name__)
TOPIC = "plugin_switches.invalidate"
CORE = "core"
CACHE_SIZE = 100_000
CACHE_TTL_SECONDS = 300.0
_NONE_DISABLED: frozenset[str] = frozenset()
_last_message: list[Any] = [None, None]  # (message, its guild's switched-off plugins)

# served past expiry (however long the guild was quiet) while refresh_due() reloads it in
# bulk: a quiet guild's next message costs no query (core/services/cache.py)
_cache: TtlCache[int, frozenset[str]] = TtlCache(CACHE_SIZE, CACHE_TTL_SECONDS, UNTIL_RELOADED)
_watched: bus.Bus | None = None


def _on_invalidate(payload: dict[str, Any]) -> None:
    guild_id = payload.get("guild_id")
    if isinstance(guild_id, int):
        _forget_last_message()
        _cache.invalidate(guild_id)
    else:
        log.warning("ignoring a plugin switch invalidation without a guild id: %r", payload)


def _watch() -> None:
    """Listen for invalidations on this process's current bus (again after it changed)."""
    global _watched
    current = bus.current()
    if current is _watched:
        return
    if _watched is not None:
        _watched.unsubscribe(TOPIC, _on_invalidate)
    current.subscribe(TOPIC, _on_invalidate)
    _watched = current
    clear_cache()  # messages sent while nobody listened are lost: start afresh


def clear_cache() -> None:
    """Forget every cached guild (tests, or after the bus changed)."""
    global _cache
    _forget_last_message()
    _cache = TtlCache(CACHE_SIZE, CACHE_TTL_SECONDS, UNTIL_RELOADED)


async def warm(guild_ids: Iterable[int]) -> int:
    """Cache many guilds' switches, one query per 500 guilds; return how many (called when
    a shard becomes ready, so its first messages need no query)."""
    _watch()
    return await _cache.warm(guild_ids, _load_chunk)


async def refresh_due() -> int:
    """Reload, in bulk, the guilds the hot path read past their TTL; return how many."""
    _watch()
    return await _cache.refresh_due(_load_chunk)


async def _load_chunk(chunk: list[int]) -> dict[int, frozenset[str]]:
    disabled: dict[int, set[str]] = {}
    rows = await GuildPluginSwitch.filter(guild_id__in=chunk, enabled=False).values_list(
        "guild_id", "plugin")
    for guild_id, plugin in rows:
        disabled.setdefault(guild_id, set()).add(plugin)
    return {g: frozenset(disabled[g]) if g in disabled else _NONE_DISABLED for g in chunk}


async def _load(guild_id: int) -> frozenset[str]:
    names = cast(list[str], await GuildPluginSwitch.filter(  # flat=True: bare values
        guild_id=guild_id, enabled=False).values_list("plugin", flat=True))
    return frozenset(names) if names else _NONE_DISABLED


def cached_disabled(guild_id: int) -> frozenset[str] | None:
    """From memory only: the plugins switched off in the guild, ``None`` when not cached."""
    if _watched is not bus.current():  # (read for every message: no call when unchanged)
        _watch()
    return _cache.peek(guild_id)


def disabled_for_message(message: Any, guild_id: int) -> frozenset[str] | None:
    """:func:`cached_disabled` for a message's guild, looked up once for all the message
    hooks of that message (they run one after the other, inline)."""
    if _last_message[0] is message and _last_message[1] is not None:
        return _last_message[1]  # (a switch change forgets it: _forget_last_message)
    disabled = cached_disabled(guild_id)
    _last_message[0], _last_message[1] = message, disabled
    return disabled


def _forget_last_message() -> None:
    _last_message[0] = _last_message[1] = None


def cached_enabled(guild_id: int | None, plugin: str) -> bool | None:
    """From memory only: ``True``/``False``, or ``None`` when the guild is not cached."""
    if guild_id is None:
        return True
    _watch()
    disabled = _cache.peek(guild_id)
    return None if disabled is None else plugin not in disabled


async def is_enabled(guild_id: int | None, plugin: str) -> bool:
    """Whether ``plugin`` may act in the guild (always in DMs, ``guild_id`` ``None``)."""
    enabled = cached_enabled(guild_id, plugin)
    if enabled is not None:
        return enabled
    assert guild_id is not None
    disabled = await _cache.get(guild_id, lambda: _load(guild_id))
    return plugin not in disabled


async def states(guild_id: int, plugins: Sequence[str]) -> dict[str, bool]:
    """``{plugin: enabled}`` for ``plugins``, read from the database (the source of truth)."""
    disabled = await _load(guild_id)
    return {name: name not in disabled for name in plugins}


def check_name(plugin: str, known: Sequence[str]) -> str:
    """``plugin`` when it is a switchable plugin name, else ``ValueError`` saying why."""
    if plugin == CORE:
        raise ValueError("core is part of the bot and cannot be disabled")
    if plugin not in known:
        shown = plugin if len(plugin) <= 40 else plugin[:39] + "…"
        choices = ", ".join(sorted(known)) or "none"
        raise ValueError(f"there is no plugin called {shown!r} (plugins: {choices})")
    return plugin


async def set_enabled(
    guild_id: int, plugin: str, enabled: bool, *, actor_id: int, source: str,
    known: Sequence[str],
) -> bool:
    """Switch ``plugin`` on or off in a guild; return whether anything changed.

    ``known`` are the plugin names that may be switched (the deployment's enabled
    plugins); any other name, and ``"core"``, is a ``ValueError`` with a clear message
    and nothing is written. A change writes the row and an audit row in one transaction,
    then invalidates the guild's cached switches in every process through the bus.
    """
    check_name(plugin, known)
    try:
        changed = await _switch(guild_id, plugin, enabled, actor_id, source)
    except IntegrityError:  # another process created the row at the same moment
        changed = await _switch(guild_id, plugin, enabled, actor_id, source)
    if changed:
        await invalidate(guild_id)
    return changed


async def _switch(guild_id: int, plugin: str, enabled: bool, actor_id: int, source: str) -> bool:
    async with in_transaction():
        row = await GuildPluginSwitch.filter(guild_id=guild_id, plugin=plugin).first()
        before = True if row is None else row.enabled
        if before == enabled:
            return False
        if row is None:
            await GuildPluginSwitch.create(
                guild_id=guild_id, plugin=plugin, enabled=enabled, updated_by=actor_id
            )
        else:
            await GuildPluginSwitch.filter(id=row.id).update(enabled=enabled, updated_by=actor_id)
        await audit.record_change(guild_id, actor_id, source, f"plugin:{plugin}", before, enabled)
    return True


async def invalidate(guild_id: int) -> None:
    """Drop the guild's cached switches in this and every other process."""
    _watch()
    _forget_last_message()
    _cache.invalidate(guild_id)  # also when the bus is down
    await bus.publish(TOPIC, {"guild_id": guild_id})


async def purge(guild_id: int) -> int:
    """Delete a guild's switches (guild purge); return how many rows."""
    deleted = await GuildPluginSwitch.filter(guild_id=guild_id).delete()
    await invalidate(guild_id)
    return deleted
