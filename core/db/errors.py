"""Database failures a member can be told about, instead of "something went wrong".

:func:`database_message` looks through an exception and its causes for the database
being unreachable (server down or restarting, connection cut, SQLite busy), out of
space, or read-only, or refusing text it cannot store (PostgreSQL and NUL characters),
and returns the short answer for the user. The command did not happen in these cases:
its statement failed and its transaction was never committed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import asyncpg.exceptions as pg
from tortoise.exceptions import (
    DBConnectionError,
    IntegrityError,
    OperationalError,
    TransactionManagementError,
)

UNAVAILABLE = "The database is unavailable right now; please try again in a moment."
FULL = "The database is out of space, so nothing was saved; please try again later."
READ_ONLY = "The database is read-only right now, so nothing was saved; please try again later."
BAD_TEXT = ("That text contains a character that cannot be stored (a NUL character); "
            "nothing was saved.")
DRIVERS = ("asyncpg", "tortoise", "aiosqlite", "sqlite3")
_UNREACHABLE = (
    DBConnectionError,
    pg.PostgresConnectionError,  # connection lost in the middle of an operation
    pg.CannotConnectNowError,  # starting up or shutting down
    pg.AdminShutdownError,
    pg.CrashShutdownError,
    pg.TooManyConnectionsError,
)
_DATABASE = (  # raised by the database or its driver, not by a bug in the caller
    DBConnectionError, OperationalError, IntegrityError, TransactionManagementError,
    pg.PostgresError, pg.InterfaceError, sqlite3.Error,
)
_SQLITE = {
    "database or disk is full": FULL,
    "attempt to write a readonly database": READ_ONLY,
    "database is locked": UNAVAILABLE,
    "unable to open database file": UNAVAILABLE,
    "disk i/o error": UNAVAILABLE,
}


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _raised_by_driver(exc: BaseException) -> bool:
    """Whether a database driver raised ``exc`` (a refused connection may come from aiohttp
    too: Discord unreachable is not the database being unreachable)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(DRIVERS):
            return True
        tb = tb.tb_next
    return False


def database_message(error: BaseException) -> str | None:
    """The user's answer when ``error`` comes from an unusable database, else ``None``."""
    for exc in _chain(error):
        if isinstance(exc, _UNREACHABLE):
            return UNAVAILABLE
        if isinstance(exc, ConnectionError) and _raised_by_driver(exc):
            return UNAVAILABLE  # refused, reset, broken pipe
        if isinstance(exc, pg.InterfaceError) and "closed" in str(exc):
            return UNAVAILABLE
        if isinstance(exc, pg.CharacterNotInRepertoireError | pg.UntranslatableCharacterError):
            return BAD_TEXT
        if isinstance(exc, sqlite3.Error | OperationalError):
            text = str(exc).lower()
            for marker, message in _SQLITE.items():
                if marker in text:
                    return message
    return None


def is_database_error(error: BaseException) -> bool:
    """Whether ``error`` (or a cause) is the database failing or refusing a statement
    (unreachable, read-only, full, a constraint, ...) rather than a bug in the caller."""
    if database_message(error) is not None:
        return True
    return any(isinstance(exc, _DATABASE) for exc in _chain(error))
