"""``guild_members.coins``: the only code that changes a balance.

Balances are core's column; the ledger (``transactions``) is the economy plugin's. The
economy service (``plugins/economy/service.py``) is the one caller: it runs
:func:`run_atomic` and, inside that one database transaction, calls
:func:`change_coins` and writes the ledger row, so a balance and its history never
disagree. Other plugins move money through that service, never through this module.
The one exception is the bank's transfer between known members, one call of a server-side
function on PostgreSQL that applies the same guards in SQL
(``plugins/economy/transfer_fast.py``, run with :func:`run_statement`).

Guarantees:

- A balance never goes below zero nor above the 32-bit ``INT`` column: the update is
  conditional (``UPDATE ... SET coins = coins + :delta WHERE coins >= :needed AND
  coins <= :max - :delta``) and its affected-row count is checked, so concurrent writers
  in any number of processes cannot overdraw (PostgreSQL re-checks the condition on the
  newest row version after waiting for its lock; SQLite serialises writers).
- :func:`run_atomic` runs the work in one transaction (on SQLite begun ``BEGIN IMMEDIATE``
  by the serialised writer, ``core/db/sqlite_writer.py``: a read-then-write transaction
  waits for the write lock instead of failing with "database is locked") and retries
  transient failures a bounded number of times (:data:`RETRY_ATTEMPTS`): SQLite
  busy/locked after the busy timeout, PostgreSQL deadlocks and serialization failures.
- Every path that changes two balances locks them in ``user_id`` order (within a guild
  a total order): :func:`lock_members` here, and the bank's one-call transfer.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar, cast

import asyncpg
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.expressions import F

from core.bot.texts import TEXTS
from core.db.database import CONNECTION
from core.db.models import GuildMember
from core.i18n.texts import TextError
from core.services.members import ensure_member

log = logging.getLogger(__name__)
T = TypeVar("T")

COINS_MAX = 2**31 - 1  # guild_members.coins and transactions.amount are 32-bit INT
RETRY_ATTEMPTS = 8
RETRY_BASE_DELAY = 0.02  # seconds; doubled per attempt, with jitter
retries = 0  # transient failures retried by this process (for metrics and tests)


class CoinsError(Exception):
    """Base class of every refusal to move coins."""


class InvalidAmount(CoinsError, ValueError):
    """The amount is not a whole number in ``1..COINS_MAX`` (or ``-COINS_MAX..-1``)."""


class AmountOutOfBounds(TextError, InvalidAmount):
    """An amount :func:`validate_amount` refuses (``coins.*`` of core's texts: English in
    ``str()``, the reader's language in a reply)."""

    owner = TEXTS


class BalanceTooHigh(InvalidAmount):
    """The new balance would not fit in the 32-bit column."""

    def __init__(self, balance: int, amount: int) -> None:
        self.balance = balance
        self.amount = amount
        super().__init__(
            f"a balance of {balance} plus {amount} would exceed the maximum of {COINS_MAX}"
        )


class InsufficientFunds(CoinsError):
    """The balance is smaller than the amount needed."""

    def __init__(self, balance: int, amount: int) -> None:
        self.balance = balance
        self.amount = amount
        super().__init__(f"balance {balance} is less than the {amount} needed")


def validate_amount(amount: object, *, allow_negative: bool = False) -> int:
    """``amount`` as an int in ``1..COINS_MAX`` (or its negative); else :class:`InvalidAmount`."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise AmountOutOfBounds("coins.whole", amount=repr(amount))
    if amount == 0:
        raise AmountOutOfBounds("coins.zero")
    if amount < 0 and not allow_negative:
        raise AmountOutOfBounds("coins.positive", amount=str(amount))
    if abs(amount) > COINS_MAX:
        raise AmountOutOfBounds("coins.at_most", maximum=str(COINS_MAX), amount=str(abs(amount)))
    return amount


# -- transactions -----------------------------------------------------------------------


def is_transient(exc: BaseException) -> bool:
    """True for errors that a retry of the whole transaction can cure."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError):
            text = str(seen).lower()
            if "locked" in text or "busy" in text:
                return True
        if isinstance(seen, asyncpg.exceptions.TransactionRollbackError):
            return True
        for arg in getattr(seen, "args", ()):
            if isinstance(arg, BaseException) and arg is not seen and is_transient(arg):
                return True
        seen = seen.__cause__ or seen.__context__
    return False


async def run_atomic(
    work: Callable[[BaseDBAsyncClient], Awaitable[T]], *, attempts: int = RETRY_ATTEMPTS
) -> T:
    """Run ``work(conn)`` in one database transaction; retry it on transient failures.

    ``work`` must do all its reads and writes through ``conn`` (``using_db=conn``) and be
    safe to run again (it is, when everything it does is inside the transaction). Called
    inside another transaction, it runs in a savepoint of that one and is not retried.
    """
    client = connections.get(CONNECTION)

    async def in_transaction(_: BaseDBAsyncClient) -> T:
        # (SQLite's client, core.db.sqlite_writer, begins every transaction IMMEDIATE)
        async with client._in_transaction() as conn:
            return await work(conn)

    return await _retried(client, in_transaction, attempts)


async def run_statement(
    work: Callable[[BaseDBAsyncClient], Awaitable[T]], *, attempts: int = RETRY_ATTEMPTS
) -> T:
    """Run ``work(conn)``, ONE self-contained statement, without BEGIN/COMMIT (the database
    runs it in its own implicit transaction: one round trip); retry it on transient
    failures. Inside a transaction it runs there and is not retried."""
    return await _retried(connections.get(CONNECTION), work, attempts)


async def _retried(
    client: BaseDBAsyncClient,
    work: Callable[[BaseDBAsyncClient], Awaitable[T]],
    attempts: int,
) -> T:
    nested = isinstance(client, TransactionalDBClient)
    for attempt in range(1, attempts + 1):
        try:
            return await work(client)
        except Exception as exc:
            if nested or attempt == attempts or not is_transient(exc):
                raise
            global retries
            retries += 1
            delay = RETRY_BASE_DELAY * 2 ** (attempt - 1) * (0.5 + random.random())
            log.debug("coins transaction retried (%s): %s", attempt, exc)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


# -- balances -----------------------------------------------------------------------------


async def get_coins(
    user_id: int, guild_id: int, using_db: BaseDBAsyncClient | None = None
) -> int:
    """The balance of a member (0 when the member has no row yet)."""
    coins = cast(list[int], await (  # flat=True: bare values (tortoise types them as tuples)
        GuildMember.filter(user_id=user_id, guild_id=guild_id)
        .using_db(using_db)
        .values_list("coins", flat=True)
    ))
    return int(coins[0]) if coins else 0


async def lock_members(
    conn: BaseDBAsyncClient, guild_id: int, members: Iterable[tuple[int, str]]
) -> None:
    """Create missing member rows, then lock them in user_id order (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already holds the write lock).

    Call first in a transaction that reads before it writes (cooldowns) or that changes
    two balances (transfers): a fixed lock order means concurrent transfers A->B and
    B->A cannot deadlock.
    """
    ids = []
    for user_id, username in members:
        await ensure_member(user_id, guild_id, username, using_db=conn)
        ids.append(user_id)
    if conn.capabilities.support_for_update:
        # (a values_list() query would silently drop FOR UPDATE in Tortoise 1.1)
        await (
            GuildMember.filter(guild_id=guild_id, user_id__in=ids)
            .order_by("user_id")  # the order economy_transfer() updates in
            .select_for_update()
            .using_db(conn)
        )


async def change_coins(
    conn: BaseDBAsyncClient,
    user_id: int,
    guild_id: int,
    delta: int,
    *,
    needs: int = 0,
    username: str = "",
) -> int:
    """Add ``delta`` to a balance inside the caller's transaction ``conn``; return the new one.

    The member needs a balance of at least ``max(needs, -delta)`` (a gamble needs the
    stake even when it wins). Raises :class:`InsufficientFunds`, :class:`BalanceTooHigh`
    or :class:`InvalidAmount`; then nothing was changed.
    """
    validate_amount(delta, allow_negative=True)
    needed = max(needs, -delta, 0)
    if needed > COINS_MAX:
        raise AmountOutOfBounds("coins.at_most", maximum=str(COINS_MAX), amount=str(needed))
    member = GuildMember.filter(user_id=user_id, guild_id=guild_id)
    ceiling = COINS_MAX - max(delta, 0)
    ensured = False
    while True:
        guarded = member.filter(coins__gte=needed, coins__lte=ceiling)
        if await guarded.using_db(conn).update(coins=F("coins") + delta) == 1:
            return await get_coins(user_id, guild_id, using_db=conn)
        if not ensured:  # the row may not exist yet: create it, then try once more
            await ensure_member(user_id, guild_id, username, using_db=conn)
            ensured = True
            continue
        # Refused. Read the balance under the row lock: on PostgreSQL another transaction
        # may have changed it since the UPDATE's snapshot; if it now fits, try again.
        balance = await _locked_coins(conn, user_id, guild_id)
        if balance < needed:
            raise InsufficientFunds(balance, needed)
        if balance > ceiling:
            raise BalanceTooHigh(balance, delta)


async def _locked_coins(conn: BaseDBAsyncClient, user_id: int, guild_id: int) -> int:
    query = GuildMember.filter(user_id=user_id, guild_id=guild_id).using_db(conn)
    if conn.capabilities.support_for_update:
        query = query.select_for_update()
    [member] = await query
    return int(member.coins)
