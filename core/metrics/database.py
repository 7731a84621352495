"""Database query latency: Tortoise's client classes timed once per process.

:func:`instrument_tortoise` wraps the ``execute_*`` methods of the SQLite and asyncpg
clients (and their transaction wrappers) at class level, so every connection and
transaction - opened before or after - is timed. The cost per statement is two
``perf_counter`` calls and one histogram observation.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.metrics.instruments import DB_QUERY_ERRORS, DB_QUERY_SECONDS

OPERATIONS = {
    "execute_query": "query",
    "execute_query_dict": "query_dict",
    "execute_insert": "insert",
    "execute_many": "many",
    "execute_script": "script",
}
_MARK = "__guildhall_timed__"


def _client_classes() -> list[type]:
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper

    from core.db.sqlite_writer import SerialisedSqliteClient

    return [SqliteClient, SerialisedSqliteClient, SqliteTransactionWrapper, AsyncpgDBClient,
            TransactionWrapper]


def _timed(function: Callable[..., Awaitable[Any]], operation: str) -> Callable[..., Any]:
    histogram = DB_QUERY_SECONDS.labels(operation)
    errors = DB_QUERY_ERRORS.labels(operation)

    @functools.wraps(function)
    async def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await function(self, *args, **kwargs)
        except BaseException:
            errors.inc()
            raise
        finally:
            histogram.observe(time.perf_counter() - started)

    setattr(timed, _MARK, True)
    return timed


def instrument_tortoise() -> int:
    """Time every statement of the Tortoise clients; idempotent. Returns methods wrapped."""
    wrapped = 0
    for cls in _client_classes():
        for name, operation in OPERATIONS.items():
            function = getattr(cls, name, None)
            if function is None or getattr(function, _MARK, False):
                continue  # inherited from a class already wrapped, or absent
            setattr(cls, name, _timed(function, operation))
            wrapped += 1
    return wrapped
