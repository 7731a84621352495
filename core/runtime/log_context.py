"""Who a log line is about: cluster, shard, guild and plugin, stamped on every record.

The bot sets the context where work starts (each dispatched event, each command, each
timer row) in a :mod:`contextvars` variable, so every task it spawns inherits it. Setting
it costs one ``ContextVar.set``; the guild, shard and plugin are worked out only when a
record is actually logged, by :class:`ContextFilter` (installed on the handler by
:func:`core.runtime.logging_setup.setup_logging`).

The plugin is the one whose command or timer runs (:func:`register_cog`), else the plugin
whose package the logger belongs to (``plugins.leveling.cog`` -> ``leveling``; see
:func:`register_plugin`).
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Iterator
from contextvars import ContextVar, Token
from functools import lru_cache
from types import ModuleType
from typing import Any, NamedTuple

import disnake

CONTEXT_FIELDS = ("cluster", "shard", "guild", "plugin")


class Scope(NamedTuple):
    """What the current work is about: a plugin name, a subject, and the bot (optional).

    ``subject`` is whatever the work handles (a message, an interaction, a command context,
    a guild, a timer row): its guild is looked up only when something is logged.
    """

    plugin: str | None
    subject: Any
    bot: disnake.Client | None


# Holds a plain ``(plugin, subject, bot)`` tuple: the bot sets it on every event (hot path).
SCOPE: ContextVar[tuple[str | None, Any, disnake.Client | None] | None] = ContextVar(
    "guildhall_log_scope", default=None
)
ScopeToken = Token[tuple[str | None, Any, disnake.Client | None] | None]
_cluster: int | None = None
_plugin_packages: dict[str, str] = {}
_cog_plugins: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def set_cluster(cluster: int | None) -> None:
    """Stamp ``cluster`` on every record of this process (``None``: no cluster field)."""
    global _cluster
    _cluster = cluster


def enter(
    plugin: str | None, subject: Any, bot: disnake.Client | None = None
) -> ScopeToken:
    """Make ``(plugin, subject)`` the current scope; undo with :func:`leave`."""
    return SCOPE.set((plugin, subject, bot))


def leave(token: ScopeToken) -> None:
    """Restore the scope that was current before :func:`enter`."""
    SCOPE.reset(token)


@contextlib.contextmanager
def scope(
    plugin: str | None, subject: Any = None, bot: disnake.Client | None = None
) -> Iterator[None]:
    """``with scope("reminders", row): ...`` - tasks created inside inherit it."""
    token = enter(plugin, subject, bot)
    try:
        yield
    finally:
        leave(token)


def current() -> Scope | None:
    """The current scope (``None`` outside any)."""
    value = SCOPE.get()
    return Scope(*value) if value is not None else None


def register_plugin(name: str, plugin: object) -> None:
    """Attribute loggers under ``plugin``'s package to plugin ``name``.

    ``plugin`` is the registered plugin object (a module, or an instance whose class
    lives in the plugin's package): ``plugins.leveling.plugin`` -> ``plugins.leveling``.
    """
    module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    package = module.rsplit(".", 1)[0] if "." in module else module
    if _plugin_packages.get(package) != name:
        _plugin_packages[package] = name
        plugin_for_module.cache_clear()


def register_cog(cog: object, plugin: str) -> None:
    """Run ``cog``'s commands in the scope of ``plugin`` (the bot does this per plugin cog)."""
    _cog_plugins[cog] = plugin


def plugin_of_cog(cog: object | None) -> str | None:
    """The plugin that added ``cog`` (else the one owning its module), ``None`` for core."""
    if cog is None:
        return None
    return _cog_plugins.get(cog) or plugin_for_module(type(cog).__module__)


@lru_cache(maxsize=4096)
def plugin_for_module(module: str) -> str | None:
    """The plugin owning the dotted ``module`` (or logger) name, ``None`` for core."""
    best = ""
    for package in _plugin_packages:
        if (module == package or module.startswith(package + ".")) and len(package) > len(best):
            best = package
    return _plugin_packages.get(best) if best else None


def _guild_and_shard(
    subject: Any, bot: disnake.Client | None
) -> tuple[int | None, int | None]:
    guild = subject if isinstance(subject, disnake.Guild) else getattr(subject, "guild", None)
    if guild is not None and getattr(guild, "id", None) is not None:
        return guild.id, getattr(guild, "shard_id", None)
    guild_id = getattr(subject, "guild_id", None)
    if not isinstance(guild_id, int):
        return None, None
    shard_count = bot.shard_count if bot is not None else None
    shard = (guild_id >> 22) % shard_count if shard_count else None
    return guild_id, shard


def fields_for(record: logging.LogRecord) -> dict[str, Any]:
    """The context fields of ``record`` as they would be stamped (for tests and tools)."""
    found: dict[str, Any] = {}
    if _cluster is not None:
        found["cluster"] = _cluster
    active = current()
    plugin = active.plugin if active is not None else None
    if active is not None and active.subject is not None:
        try:
            guild, shard = _guild_and_shard(active.subject, active.bot)
        except Exception:  # a half-built object must never break logging
            guild, shard = None, None
        if guild is not None:
            found["guild"] = guild
        if shard is not None:
            found["shard"] = shard
    plugin = plugin or plugin_for_module(record.name)
    if plugin is not None:
        found["plugin"] = plugin
    return found


class ContextFilter(logging.Filter):
    """Adds ``cluster``, ``shard``, ``guild`` and ``plugin`` to records (when known).

    Values a caller passed through ``extra=`` are kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in fields_for(record).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True
