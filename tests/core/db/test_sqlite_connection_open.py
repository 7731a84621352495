"""SQLite: a statement cancelled or failing while it opens the connection hangs nobody.

The first statement of a process opens the connection while holding the connection's
lock. Tortoise's own wrapper kept that lock when opening was cancelled (the leader's
fence read under ``wait_for`` on a loaded machine) or failed, and every later statement
waited for ever; the connection could also stay open without its PRAGMAs. Opening is
paused here at ``aiosqlite.connect`` (before the PRAGMAs) to interleave exactly there.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from tortoise.context import TortoiseContext
from tortoise.exceptions import OperationalError

from core.db.sqlite_writer import SerialisedSqliteClient
from core.testing.bot_fixtures import eventually

BUSY_TIMEOUT_MS = 4321


@pytest.fixture(autouse=True)
async def tortoise_context() -> AsyncIterator[None]:
    """A Tortoise context of its own: a transaction registers its connection there."""
    async with TortoiseContext():
        yield


def new_client(tmp_path: Path) -> SerialisedSqliteClient:
    """A client as ``core.db.database`` configures it, not connected yet."""
    return SerialisedSqliteClient(
        file_path=str(tmp_path / "open.db"), connection_name="open-test",
        journal_mode="WAL", foreign_keys="ON", busy_timeout=BUSY_TIMEOUT_MS,
    )


async def plain_statement(client: SerialisedSqliteClient) -> Any:
    return await client.execute_query("SELECT 1")


async def in_a_transaction(client: SerialisedSqliteClient) -> Any:
    async with client._in_transaction() as conn:
        return await conn.execute_query("SELECT 1")


FIRST_USES: dict[str, Callable[[SerialisedSqliteClient], Awaitable[Any]]] = {
    "statement": plain_statement, "transaction": in_a_transaction}


async def assert_fully_usable(client: SerialisedSqliteClient) -> None:
    """The lock is freed and the next statements run on a connection with its PRAGMAs."""
    # A transaction frees it from a task of its own, after its rollback: wait, generously.
    await eventually(lambda: not client._lock.locked(), timeout=60,
                     message="the connection's lock was kept")
    _, timeout = await asyncio.wait_for(client.execute_query("PRAGMA busy_timeout"), 60)
    _, keys = await asyncio.wait_for(client.execute_query("PRAGMA foreign_keys"), 60)
    assert (timeout[0][0], keys[0][0]) == (BUSY_TIMEOUT_MS, 1)


@pytest.mark.parametrize("first_use", sorted(FIRST_USES))
async def test_cancelled_while_the_connection_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_use: str
) -> None:
    client = new_client(tmp_path)
    opening, proceed = asyncio.Event(), asyncio.Event()
    real_connect = aiosqlite.connect

    async def paused_connect(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        opening.set()
        await proceed.wait()
        return await real_connect(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", paused_connect)
    first = asyncio.create_task(FIRST_USES[first_use](client))
    await asyncio.wait_for(opening.wait(), 60)
    first.cancel()  # what wait_for does to the leader's fence read when it runs late
    proceed.set()
    with pytest.raises(asyncio.CancelledError):
        await first
    try:
        await assert_fully_usable(client)
    finally:
        await client.close()


@pytest.mark.parametrize("first_use", sorted(FIRST_USES))
async def test_opening_that_fails_keeps_no_half_open_connection(
    tmp_path: Path, first_use: str
) -> None:
    client = new_client(tmp_path)
    half_open: list[Any] = []

    async def fails_once() -> None:  # runs after the PRAGMAs, as Tortoise's hook does
        if not half_open:
            half_open.append(client._connection)
            raise sqlite3.OperationalError("disk I/O error")

    client._post_connect = fails_once  # type: ignore[method-assign]
    with pytest.raises((sqlite3.OperationalError, OperationalError), match="disk I/O error"):
        await FIRST_USES[first_use](client)
    assert client._connection is None and half_open[0]._connection is None  # closed
    try:
        await assert_fully_usable(client)
        assert client._connection is not half_open[0]
    finally:
        await client.close()
