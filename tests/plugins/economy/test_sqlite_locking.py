"""SQLite: a writer in another process holding the lock past the busy timeout is retried."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from tortoise import connections

from core.db.database import sqlite_path
from core.services import coins
from plugins.economy import service as bank


def _hold_write_lock(path: str, seconds: float, held: threading.Event) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # what another process's transaction does
    held.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


@pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)
async def test_locked_database_is_retried_not_failed(guildhall_db, guildhall_settings) -> None:
    await bank.deposit(1, 5, 10, "admin")  # opens the connection
    await connections.get("default").execute_script("PRAGMA busy_timeout=50")
    path = str(sqlite_path(guildhall_settings.database.url.get_secret_value()))
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 0.6, held))
    holder.start()
    await asyncio.to_thread(held.wait, 5)
    before = coins.retries
    try:
        assert await bank.deposit(1, 5, 5, "admin") == 15
    finally:
        holder.join()
    assert coins.retries > before  # it hit "database is locked" and retried


@pytest.mark.parametrize("guildhall_engine", ["sqlite"], indirect=True)
async def test_lock_held_beyond_every_retry_surfaces(guildhall_db, guildhall_settings) -> None:
    await bank.deposit(1, 5, 10, "admin")
    await connections.get("default").execute_script("PRAGMA busy_timeout=10")
    path = str(sqlite_path(guildhall_settings.database.url.get_secret_value()))
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 8.0, held))
    holder.start()
    await asyncio.to_thread(held.wait, 5)
    try:
        with pytest.raises(Exception, match="locked"):
            await bank.deposit(1, 5, 5, "admin")
    finally:
        holder.join()
    assert await bank.balance(1, 5) == 10
