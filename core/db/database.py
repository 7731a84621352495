"""The database: one Tortoise app per plugin plus ``core``, all on one connection.

Tortoise 1.x keeps its state in a context variable. :func:`init_database` enables the
global fallback so every task the bot spawns (listeners, loops, commands) sees the same
connection, not only the task that initialised it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE

from core.runtime.config import DatabaseSettings

log = logging.getLogger(__name__)
CONNECTION = "default"
CORE_APP = "core"
CORE_MODELS = ("core.db.models", "aerich.models")


def sqlite_path(url: str) -> Path:
    """The file behind a ``sqlite://`` URL (relative paths are relative to the CWD)."""
    parts = urlsplit(url)
    raw = parts.netloc + parts.path
    return Path(raw)


def connection_config(database: DatabaseSettings) -> dict[str, Any]:
    """Tortoise connection settings for the configured URL (pragmas, pool size)."""
    url = database.url.get_secret_value()
    parts = urlsplit(url)
    if database.dialect == "sqlite":
        path = sqlite_path(url)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "engine": "core.db.sqlite_writer",
            "credentials": {
                "file_path": str(path),
                "journal_mode": "WAL",
                "foreign_keys": "ON",
                "busy_timeout": database.sqlite_busy_timeout_ms,
                "synchronous": "NORMAL",
            },
        }
    credentials: dict[str, Any] = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "database": parts.path.lstrip("/") or "postgres",
        "minsize": database.pool_min_size,
        "maxsize": max(database.pool_max_size, database.pool_min_size),
        "reset": keep_session,
    }
    credentials.update(dict(parse_qsl(parts.query)))
    return {"engine": "tortoise.backends.asyncpg", "credentials": credentials}


async def keep_session(connection: Any) -> None:
    """The pool's reset of a released connection: nothing beyond asyncpg's own rollback.

    asyncpg's default sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` after EVERY pooled statement: a second round trip each time (a one-call
    bank transfer became two). guildhall leaves no session state on pooled connections
    (advisory locks are transaction-scoped, ``LISTEN`` and the migration lock use
    connections of their own, nothing runs ``SET`` without ``LOCAL``), and asyncpg still
    rolls back a transaction left open before calling this. Code that needs session
    state takes a connection of its own (``asyncpg.connect``), never a pooled one.
    """


def tortoise_config(database: DatabaseSettings, plugin_models: dict[str, str]) -> dict[str, Any]:
    """The full Tortoise config: the ``core`` app plus one app per plugin with models."""
    apps: dict[str, Any] = {
        CORE_APP: {"models": list(CORE_MODELS), "default_connection": CONNECTION}
    }
    for app, module in plugin_models.items():
        apps[app] = {"models": [module], "default_connection": CONNECTION}
    return {
        "connections": {CONNECTION: connection_config(database)},
        "apps": apps,
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_database(database: DatabaseSettings, plugin_models: dict[str, str]) -> None:
    """Initialise Tortoise for this process (never creates tables: migrations do)."""
    # Tortoise caches compiled INSERT/UPDATE SQL per connection *name* for the whole
    # process; a process that re-opens "default" on another dialect (tests, tools) would
    # reuse the other dialect's placeholders. Start from an empty cache.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(
        config=tortoise_config(database, plugin_models), _enable_global_fallback=True
    )


async def close_database() -> None:
    """Close every connection Tortoise opened (safe to call when not initialised)."""
    if Tortoise.is_inited():
        await Tortoise.close_connections()


def placeholders(conn: BaseDBAsyncClient, count: int, start: int = 1) -> list[str]:
    """``count`` parameter markers for raw SQL on ``conn``: ``$start..`` on PostgreSQL,
    ``?`` on SQLite. Values always travel as parameters, never inside the SQL text."""
    if conn.schema_generator.DIALECT == "postgres":
        return [f"${i}" for i in range(start, start + count)]
    return ["?"] * count


def dialect() -> str:
    """``"sqlite"`` or ``"postgres"`` for the initialised connection."""
    return connections.get(CONNECTION).schema_generator.DIALECT
