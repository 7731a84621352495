"""A cross-process lock so two launchers starting at once never migrate concurrently.

PostgreSQL: a session-level advisory lock held on a dedicated connection. SQLite: an
exclusive ``flock`` on ``<database file>.migrate.lock``.
"""

from __future__ import annotations

import asyncio
import fcntl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import asyncpg

from core.db.database import sqlite_path
from core.runtime.config import DatabaseSettings

ADVISORY_KEY = 0x6775696C64  # "guild"
POLL_SECONDS = 0.1


class MigrationLockTimeout(Exception):
    """Another process held the migration lock for longer than the configured timeout."""


@asynccontextmanager
async def migration_lock(database: DatabaseSettings) -> AsyncIterator[None]:
    """Hold the migration lock for the duration of the block."""
    wait_seconds = database.migrate_lock_timeout_seconds
    if database.dialect == "postgres":
        async with _advisory_lock(database.url.get_secret_value(), wait_seconds):
            yield
    else:
        lock_file = f"{sqlite_path(database.url.get_secret_value())}.migrate.lock"
        async with _file_lock(lock_file, wait_seconds):
            yield


@asynccontextmanager
async def _advisory_lock(url: str, wait_seconds: float) -> AsyncIterator[None]:
    parts = urlsplit(url)
    dsn = parts._replace(scheme="postgresql").geturl()
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + wait_seconds
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_KEY):
            if time.monotonic() > deadline:
                raise MigrationLockTimeout(
                    f"another process has held the migration lock for over {wait_seconds:.0f} s"
                )
            await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", ADVISORY_KEY)
    finally:
        await conn.close()


@asynccontextmanager
async def _file_lock(path: str, wait_seconds: float) -> AsyncIterator[None]:
    deadline = time.monotonic() + wait_seconds
    with open(path, "a+b") as handle:  # noqa: ASYNC230 - opening a lock file is instant
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise MigrationLockTimeout(
                        f"another process has held {path} for over {wait_seconds:.0f} s"
                    ) from None
                await asyncio.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
