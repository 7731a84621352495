"""SQLite's one writer path per process: Tortoise's SQLite client, made safe to cancel.

A process has one SQLite connection (Tortoise's ``SqliteClient``) and one
``asyncio.Lock`` on it: every plain statement and every transaction holds that lock, so
the users, XP, statistics and custom-command flushes, the timers' fenced transactions,
maintenance batches and configuration writes all queue on it and never overlap. What
broke that in Tortoise 1.1 was cancellation (a flush, a leader's fence claim under
``wait_for`` or a stop timeout cancelled at the wrong ``await``):

- cancelled while ``BEGIN`` ran, a transaction never released the lock (every writer
  hung) or released it with the ``BEGIN`` still applied;
- a cancelled ``executemany`` (custom command uses) released the lock with its
  ``BEGIN`` open and uncommitted.

- a plain statement cancelled (or failing) while it opened the connection - the first
  statement of a process, typically the leader's fence read under ``wait_for`` on a
  loaded machine - never released the lock: every later statement waited for ever. The
  connection could also be left open without its PRAGMAs (``busy_timeout``,
  ``foreign_keys``).

Either way the next writer found a transaction already open on the shared connection
(``cannot start a transaction within a transaction``), silently wrote into it, or hung.
This client keeps the lock until the connection is back in autocommit: when a transaction
fails to start or a batch is cancelled, the rollback is queued on the connection (its
thread runs statements in order, so it follows the interrupted one) and the lock is
released only after it. A transaction that finds one open anyway rolls it back and logs.
Opening the connection runs to its end (PRAGMAs included) even when the caller is
cancelled meanwhile; when it fails, no half-open connection is kept, and the lock is
released either way.

Selected by ``core.db.database.connection_config`` as the SQLite engine
(``engine = "core.db.sqlite_writer"``). PostgreSQL keeps its pool and its concurrency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable
from typing import Any, TypeVar

from tortoise.backends.base.client import (
    ConnectionWrapper,
    TransactionalDBClient,
    TransactionContext,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError, TransactionManagementError

log = logging.getLogger(__name__)
T = TypeVar("T")
_cleanups: set[asyncio.Task[None]] = set()  # strong references until they finish


async def uninterrupted(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` to its end even when cancelled meanwhile (the cancellation is
    delivered at the caller's next ``await``): a COMMIT either happened and is reported
    as done, or failed and is reported as failed, never "cancelled, maybe committed"."""
    future = asyncio.ensure_future(awaitable)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(future)
            break
        except asyncio.CancelledError:
            if future.done():
                raise
            cancelled = True
    if cancelled:
        current = asyncio.current_task()
        if current is not None:
            current.cancel()
    return result


async def _rollback_then_release(client: SqliteClient, lock: asyncio.Lock) -> None:
    try:
        connection = client._connection
        if connection is not None:  # queued after the interrupted statement; a no-op
            await connection.rollback()  # when it left no transaction open
    except Exception:
        log.exception("rolling back an interrupted SQLite transaction failed")
    finally:
        lock.release()


def release_after_rollback(client: SqliteClient, lock: asyncio.Lock) -> None:
    """Roll back whatever the interrupted statement left open, then release ``lock``.

    Runs as its own task so a second cancellation cannot skip it; the rollback is queued
    behind the interrupted statement on the connection's thread.
    """
    task = asyncio.get_running_loop().create_task(
        _rollback_then_release(client, lock), name="sqlite-rollback")
    _cleanups.add(task)
    task.add_done_callback(_cleanups.discard)


class SerialisedTransaction(SqliteTransactionContext):
    """A transaction holding the connection's lock from ``BEGIN`` until the connection is
    back in autocommit, whatever is cancelled when."""

    begin_sql = "BEGIN"

    def __init__(self, client: SqliteClient, begin_sql: str | None = None) -> None:
        super().__init__(SqliteTransactionWrapper(client), client._lock)
        self.sqlite_client = client
        if begin_sql is not None:
            self.begin_sql = begin_sql

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        token = None
        try:
            await self.ensure_connection()
            raw = self.connection._connection
            if raw.in_transaction:  # left open by a path outside this lock: never ours
                log.error("a transaction was left open on the SQLite connection; rolled back")
                await raw.rollback()
            token = get_connections().set(self.connection_name, self.connection)
            try:
                await raw.execute(self.begin_sql)
            except sqlite3.Error as exc:  # "database is locked" past busy_timeout, as tortoise
                raise OperationalError(exc) from exc  # raises it for any other statement
        except BaseException:
            if token is not None:
                get_connections().reset(token)
            release_after_rollback(self.sqlite_client, self._trxlock)
            raise
        self.token = token
        return self.connection

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        try:
            if not self.connection._finalized:
                if exc_type is None:
                    await uninterrupted(self.connection.commit())
                elif exc_type is not TransactionManagementError:
                    await self.connection.rollback()
        except BaseException:  # a failed or cancelled COMMIT/ROLLBACK: finish it first
            get_connections().reset(self.token)
            release_after_rollback(self.sqlite_client, self._trxlock)
            raise
        get_connections().reset(self.token)
        self._trxlock.release()


class SerialisedConnectionWrapper(ConnectionWrapper[Any]):
    """Tortoise's lock for one plain statement, released when opening the connection is
    cancelled or fails (Tortoise keeps it held then)."""

    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()  # nothing ran on the connection: nothing to roll back
            raise
        return self.connection


class SerialisedSqliteClient(SqliteClient):
    """Tortoise's SQLite client whose statements, transactions and batches are
    cancellation-safe."""

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return SerialisedConnectionWrapper(self._lock, self)

    async def create_connection(self, with_db: bool) -> None:
        """Open the connection and apply every PRAGMA, to the end even when cancelled
        meanwhile (the cancellation follows); when opening fails, keep no connection."""
        opened = False

        async def open_fully() -> None:
            nonlocal opened
            await SqliteClient.create_connection(self, with_db)
            opened = True

        try:
            await uninterrupted(open_fully())
        except BaseException:
            if not opened:
                half_open, self._connection = self._connection, None
                if half_open is not None:
                    with contextlib.suppress(Exception):
                        await uninterrupted(half_open.close())
            raise

    def _in_transaction(self) -> TransactionContext:
        # BEGIN IMMEDIATE: a transaction takes the file's write lock up front, waiting up to
        # busy_timeout for it. A deferred BEGIN that reads first (the flushes' deletion
        # fence) and then writes can instead fail at once with "database is locked" when
        # another process wrote meanwhile: SQLite cannot wait there without deadlocking.
        return SerialisedTransaction(self, "BEGIN IMMEDIATE")

    @translate_exceptions
    async def execute_many(self, query: str, values: list[list]) -> None:
        """``executemany`` in its own transaction; rolled back before the lock is released
        when it fails or is cancelled."""
        lock = self._lock
        await lock.acquire()
        try:
            if self._connection is None:
                await self.create_connection(with_db=True)
            assert self._connection is not None
            self.log.debug("%s: %s", query, values)
            await self._connection.execute("BEGIN IMMEDIATE")
            await self._connection.executemany(query, values)
            await uninterrupted(self._connection.commit())
        except BaseException:
            release_after_rollback(self, lock)
            raise
        lock.release()


client_class = SerialisedSqliteClient
