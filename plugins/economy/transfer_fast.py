"""The fast path of a transfer between two known members.

PostgreSQL: ONE statement, sent without BEGIN/COMMIT (one round trip). Its CTEs lock both
member rows in id order (``FOR UPDATE``: concurrent A->B and B->A cannot deadlock, and the
locked row is the newest version), check the sender's funds and the recipient's ceiling on
those locked values, update both balances only when both checks pass, and insert both
ledger rows from the updated rows - so the balances and the ledger change together or not
at all. SQLite: one ``BEGIN IMMEDIATE`` transaction of three statements (two guarded
``UPDATE ... RETURNING``, one two-row ledger ``INSERT``).

When a member row is missing or a check fails, nothing was written and the caller falls
back to the general path (:func:`plugins.economy.service.transfer`'s transaction), which
creates missing members and raises the precise error.
"""

from __future__ import annotations

from datetime import datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.plugins.api import COINS_MAX, CONNECTION, run_atomic, run_statement

# Every value is a parameter: $1 guild, $2 sender, $3 recipient, $4 amount, $5 the
# recipient's highest allowed balance before, $6 type, $7/$8 descriptions, $9 time.
_POSTGRES_TRANSFER = """
WITH locked AS MATERIALIZED (
    SELECT id, user_id, coins FROM guild_members
    WHERE guild_id = $1 AND user_id IN ($2, $3)
    ORDER BY id FOR UPDATE
), allowed AS (
    SELECT count(*) = 2 AND bool_and(
        CASE WHEN user_id = $2 THEN coins >= $4 ELSE coins <= $5 END) AS ok
    FROM locked
), moved AS (
    UPDATE guild_members AS m
    SET coins = m.coins + CASE WHEN m.user_id = $2 THEN -$4::int ELSE $4::int END
    FROM locked AS l, allowed AS a
    WHERE m.id = l.id AND a.ok
    RETURNING m.user_id, m.coins
), ledger AS (
    INSERT INTO transactions
        (user_id, guild_id, amount, transaction_type, description, created_at)
    SELECT user_id, $1, CASE WHEN user_id = $2 THEN -$4::int ELSE $4::int END, $6,
           CASE WHEN user_id = $2 THEN $7 ELSE $8 END, $9
    FROM moved
)
SELECT user_id, coins FROM moved
"""

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


class _NotMoved(Exception):
    """Raised inside the SQLite transaction to roll it back: the general path decides."""


async def try_transfer(
    guild_id: int,
    sender_id: int,
    recipient_id: int,
    amount: int,
    kind: str,
    descriptions: tuple[str, str],
    now: datetime,
) -> tuple[int, int] | None:
    """Both new balances, or ``None`` when nothing was written (a member row missing,
    too few funds, or the recipient's balance would overflow)."""
    ceiling = COINS_MAX - amount

    async def postgres(conn: BaseDBAsyncClient) -> tuple[int, int] | None:
        rows = await conn.execute_query_dict(_POSTGRES_TRANSFER, [
            guild_id, sender_id, recipient_id, amount, ceiling, kind,
            descriptions[0], descriptions[1], now,
        ])
        after = {int(row["user_id"]): int(row["coins"]) for row in rows}
        if len(after) != 2:
            return None
        return after[sender_id], after[recipient_id]

    async def sqlite(conn: BaseDBAsyncClient) -> tuple[int, int]:
        _, sent = await conn.execute_query(
            _SQLITE_DEBIT, [amount, guild_id, sender_id, amount])
        if not sent:
            raise _NotMoved
        _, received = await conn.execute_query(
            _SQLITE_CREDIT, [amount, guild_id, recipient_id, ceiling])
        if not received:
            raise _NotMoved
        await conn.execute_query(_SQLITE_LEDGER, [
            sender_id, guild_id, -amount, kind, descriptions[0], now,
            recipient_id, guild_id, amount, kind, descriptions[1], now,
        ])
        return int(sent[0][0]), int(received[0][0])

    if _is_postgres():
        return await run_statement(postgres)
    try:
        return await run_atomic(sqlite)
    except _NotMoved:
        return None


def _is_postgres() -> bool:
    return connections.get(CONNECTION).schema_generator.DIALECT == "postgres"
