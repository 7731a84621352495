"""Expected failures of CLI commands as one readable line and a documented exit code.

:func:`describe_failure` looks through an exception and its causes for a database or
Redis that cannot be used (refused, unknown database, authentication, timeout, SQLite
file missing, read-only or corrupt) and returns the :class:`CliError` to print; anything
else is a bug and keeps its traceback. The exit codes are listed in docs/cli.md.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

import asyncpg.exceptions as pg
import redis.exceptions as redis_errors
from tortoise.exceptions import DBConnectionError, OperationalError

from core.cli.common import CliError
from core.db.errors import _raised_by_driver

EXIT_FAILED = 1  # the command ran and its answer is "no" (violations, nothing reported, ...)
EXIT_CONFIG = 2  # bad configuration or usage
EXIT_DATABASE = 3  # the database cannot be used
EXIT_REDIS = 4  # Redis cannot be used
EXIT_ABORTED = 130  # Ctrl-C

_SQLITE = {
    "unable to open database file":
        "cannot open the SQLite database (does its directory exist and is it writable?)",
    "file is not a database": "the SQLite file is not a database (corrupt or another file)",
    "database disk image is malformed": "the SQLite database is corrupt (malformed image)",
    "attempt to write a readonly database": "the SQLite database is read-only",
    "database is locked": "the SQLite database is locked by another process",
    "database or disk is full": "the disk holding the SQLite database is full",
    "no such table": "the database has no schema yet; run `guildhall db upgrade`",
}


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _reason(exc: BaseException) -> str | None:
    """Why the database cannot be used, in words, or ``None`` if ``exc`` says nothing."""
    if isinstance(exc, pg.InvalidCatalogNameError):
        return f"the database does not exist ({exc})"
    if isinstance(exc, pg.InvalidPasswordError | pg.InvalidAuthorizationSpecificationError):
        return f"authentication failed ({exc})"
    if isinstance(exc, pg.UndefinedTableError):
        return "the database has no schema yet; run `guildhall db upgrade`"
    if isinstance(exc, pg.CannotConnectNowError | pg.TooManyConnectionsError):
        return f"the server refuses connections right now ({exc})"
    if isinstance(exc, sqlite3.Error | OperationalError):
        text = str(exc).lower()
        for marker, reason in _SQLITE.items():
            if marker in text:
                return reason
    if isinstance(exc, TimeoutError):
        return "timed out connecting"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running and listening there?)"
    if isinstance(exc, OSError) and (_raised_by_driver(exc) or _from_database_setup(exc)):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}" if exc.strerror else str(exc) or type(exc).__name__
    if isinstance(exc, DBConnectionError | pg.PostgresConnectionError):
        return str(exc) or type(exc).__name__
    return None


def _from_database_setup(exc: BaseException) -> bool:
    """An ``OSError`` raised while preparing the database (e.g. creating SQLite's folder)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(("core.db.", "core.backup.")):
            return True
        tb = tb.tb_next
    return False


def _redis_reason(exc: BaseException) -> str | None:
    if isinstance(exc, redis_errors.AuthenticationError):
        return f"authentication failed ({exc})"
    if isinstance(exc, redis_errors.TimeoutError):
        return "timed out"
    if isinstance(exc, redis_errors.ConnectionError):
        return _first_line(str(exc)) or "connection failed"
    if isinstance(exc, redis_errors.ResponseError) and "NOAUTH" in str(exc):
        return "authentication required (put the password in REDIS_URL)"
    return None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe_failure(error: BaseException, database: str, redis: str) -> CliError | None:
    """The one-line error for an unusable database or Redis, else ``None``.

    ``database`` and ``redis`` are the masked URLs the message names.
    """
    chain = list(_chain(error))
    for exc in chain:
        reason = _redis_reason(exc)
        if reason is not None:
            return CliError(f"cannot use Redis at {redis or '(not set)'}: {reason}", EXIT_REDIS)
    reasons = [reason for reason in map(_reason, chain) if reason is not None]
    if not reasons:
        return None
    reason = _first_line(reasons[-1])  # the root cause is the most precise
    return CliError(f"cannot use the database {database}: {reason}", EXIT_DATABASE)
