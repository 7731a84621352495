"""The fast path of a transfer between two known members: one round trip on PostgreSQL.

PostgreSQL: ONE call of the server-side function ``economy_transfer()`` (created by the
economy migration ``4_..._transfer_function``), sent without BEGIN/COMMIT through the
connection's cached prepared statement. It applies the guarded debit and credit in
``user_id`` order (the order :func:`core.services.coins.lock_members` locks in, so
crossing transfers wait, never deadlock), undoes the first when the second is refused
and writes both ledger rows only when both balances moved. SQLite: one
``BEGIN IMMEDIATE`` transaction of three statements (two guarded ``UPDATE ... RETURNING``,
one two-row ledger ``INSERT``), plus one read of both balances when refused.

A refusal raises the precise error from the balances the database reported
(:class:`InsufficientFunds` for the sender first, then :class:`BalanceTooHigh` for the
recipient), with nothing written. When a member row is missing, or the balances read
after a refusal no longer explain it (another transfer changed them in between), this
returns ``None`` and the caller falls back to the general path
(:func:`plugins.economy.service.transfer`'s transaction, which creates missing members
and decides under the row locks).
"""

from __future__ import annotations

from datetime import datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.plugins.api import (
    COINS_MAX,
    CONNECTION,
    BalanceTooHigh,
    InsufficientFunds,
    run_atomic,
    run_statement,
)

# Every value is a parameter: guild, sender, recipient, amount, type, both descriptions, time.
_POSTGRES_TRANSFER = "SELECT moved, sender_coins, recipient_coins FROM economy_transfer(" \
    "$1::bigint, $2::bigint, $3::bigint, $4::int, $5::text, $6::text, $7::text, " \
    "$8::timestamptz)"

_SQLITE_DEBIT = (
    "UPDATE guild_members SET coins = coins - ? "
    "WHERE guild_id = ? AND user_id = ? AND coins >= ? RETURNING coins"
)
_SQLITE_CREDIT = (
    "UPDATE guild_members SET coins = coins + ? "
    "WHERE guild_id = ? AND user_id = ? AND coins <= ? RETURNING coins"
)
_SQLITE_LEDGER = (
    "INSERT INTO transactions "
    "(user_id, guild_id, amount, transaction_type, description, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)"
)
_SQLITE_BALANCES = (
    "SELECT user_id, coins FROM guild_members WHERE guild_id = ? AND user_id IN (?, ?)"
)


class _Refused(Exception):
    """Raised inside the SQLite transaction to roll it back, with both balances."""

    def __init__(self, sender_coins: int | None, recipient_coins: int | None) -> None:
        super().__init__("transfer refused")
        self.balances = (sender_coins, recipient_coins)


async def try_transfer(
    guild_id: int,
    sender_id: int,
    recipient_id: int,
    amount: int,
    kind: str,
    descriptions: tuple[str | None, str | None],
    now: datetime,
) -> tuple[int, int] | None:
    """Both new balances; raises :class:`InsufficientFunds` or :class:`BalanceTooHigh`
    with nothing written; ``None`` when the general path must decide (see the module)."""
    ceiling = COINS_MAX - amount

    async def postgres(conn: BaseDBAsyncClient) -> tuple[bool, int | None, int | None]:
        _, rows = await conn.execute_query(_POSTGRES_TRANSFER, [
            guild_id, sender_id, recipient_id, amount, kind,
            descriptions[0], descriptions[1], now,
        ])
        moved, sent, received = rows[0]
        return bool(moved), sent, received

    async def sqlite(conn: BaseDBAsyncClient) -> tuple[bool, int | None, int | None]:
        _, sent = await conn.execute_query(
            _SQLITE_DEBIT, [amount, guild_id, sender_id, amount])
        if sent:
            _, received = await conn.execute_query(
                _SQLITE_CREDIT, [amount, guild_id, recipient_id, ceiling])
            if received:
                await conn.execute_query(_SQLITE_LEDGER, [
                    sender_id, guild_id, -amount, kind, descriptions[0], now,
                    recipient_id, guild_id, amount, kind, descriptions[1], now,
                ])
                return True, int(sent[0][0]), int(received[0][0])
        _, rows = await conn.execute_query(_SQLITE_BALANCES, [guild_id, sender_id, recipient_id])
        found = {int(row[0]): int(row[1]) for row in rows}
        if sent:  # the debit is rolled back with the transaction: report the balance before
            found[sender_id] += amount
        raise _Refused(found.get(sender_id), found.get(recipient_id))

    if _is_postgres():
        moved, sender_coins, recipient_coins = await run_statement(postgres)
    else:
        try:
            moved, sender_coins, recipient_coins = await run_atomic(sqlite)
        except _Refused as refused:
            moved = False
            sender_coins, recipient_coins = refused.balances
    if sender_coins is None or recipient_coins is None:
        return None  # a member has no row yet: the general path creates it
    if moved:
        return int(sender_coins), int(recipient_coins)
    if sender_coins < amount:
        raise InsufficientFunds(int(sender_coins), amount)
    if recipient_coins > ceiling:
        raise BalanceTooHigh(int(recipient_coins), amount)
    return None  # the balances changed since the refusal: decide under the locks


def _is_postgres() -> bool:
    return connections.get(CONNECTION).schema_generator.DIALECT == "postgres"
