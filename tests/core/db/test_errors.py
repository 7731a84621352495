"""Which database failures get a "try again" answer instead of a generic failure."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest
from tortoise.exceptions import OperationalError

from core.db.errors import (
    BAD_TEXT,
    FULL,
    READ_ONLY,
    UNAVAILABLE,
    database_message,
    is_database_error,
)
from core.testing.services import _free_port


async def test_a_refused_database_connection_is_unavailable() -> None:
    with pytest.raises(OSError) as caught:
        await asyncpg.connect(host="127.0.0.1", port=_free_port(), user="x", timeout=5)
    assert database_message(caught.value) == UNAVAILABLE
    try:
        raise OperationalError("pool") from caught.value
    except OperationalError as wrapped:
        assert database_message(wrapped) == UNAVAILABLE


def test_a_refused_connection_elsewhere_is_not_the_database() -> None:
    try:
        raise ConnectionRefusedError(111, "Connect call failed")  # e.g. Discord's REST
    except ConnectionRefusedError as exc:
        assert database_message(exc) is None


@pytest.mark.parametrize("text, expected", [
    ("database or disk is full", FULL),
    ("attempt to write a readonly database", READ_ONLY),
    ("database is locked", UNAVAILABLE),
    ("no such table: users", None),
])
def test_sqlite_failures(text: str, expected: str | None) -> None:
    try:
        try:
            raise sqlite3.OperationalError(text)
        except sqlite3.OperationalError as exc:
            raise OperationalError(exc) from exc
    except OperationalError as wrapped:
        assert database_message(wrapped) == expected


def test_other_errors_are_left_to_the_generic_path() -> None:
    assert database_message(ValueError("bug")) is None
    try:
        raise KeyError("x") from TimeoutError()  # a timeout is not a database outage
    except KeyError as exc:
        assert database_message(exc) is None
        assert not is_database_error(exc)


def test_database_errors_include_refusals_without_a_member_message() -> None:
    assert is_database_error(sqlite3.OperationalError("attempt to write a readonly database"))
    assert is_database_error(asyncpg.ReadOnlySQLTransactionError("read-only transaction"))
    assert not is_database_error(ValueError("bug"))


async def test_text_postgres_cannot_store_is_bad_input(guildhall_services: dict) -> None:
    pg = guildhall_services["postgres"]
    if pg is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    connection = await asyncpg.connect(pg.url)
    try:
        with pytest.raises(asyncpg.DataError) as caught:
            await connection.execute("SELECT $1::text", "a\x00b")
    finally:
        await connection.close()
    assert database_message(caught.value) == BAD_TEXT
