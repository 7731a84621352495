"""Statement counts README states, counted at the database client: every ``execute_*``
call of every Tortoise client and transaction class (``StatementCounter``), with the
transactions (each one BEGIN and COMMIT) counted apart."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import asyncpg
import pytest

from core.db.models import GuildMember
from plugins.economy import service as bank
from plugins.economy.models import Transaction
from plugins.leveling.buffer import XpBuffer
from tests.bench.common import StatementCounter

G = 10


@contextlib.contextmanager
def round_trips() -> Iterator[list[str]]:
    """The queries the PostgreSQL driver sends while active (each one a round trip),
    counted below Tortoise: asyncpg's pool reset after a statement shows up here."""
    sent: list[str] = []
    patched = []
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        original = getattr(asyncpg.Connection, name)

        def counted(self, query, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            sent.append(" ".join(str(query).split())[:80])
            return _original(self, query, *args, **kwargs)

        setattr(asyncpg.Connection, name, counted)
        patched.append((name, original))
    try:
        yield sent
    finally:
        for name, original in patched:
            setattr(asyncpg.Connection, name, original)


async def test_a_transfer_is_one_round_trip_on_postgres(
    guildhall_db, guildhall_engine: str
) -> None:
    """docs/performance.md, economy bench: a transfer between known members is ONE call
    of economy_transfer() on PostgreSQL, sent without BEGIN/COMMIT and with nothing after
    it (no pool reset query): one round trip; SQLite runs one transaction of three (two
    guarded UPDATE ... RETURNING, one two-row ledger INSERT)."""
    await bank.deposit(1, G, 100, "admin")
    await bank.deposit(2, G, 100, "admin")
    with StatementCounter().active() as counter, round_trips() as sent:
        assert await bank.transfer(G, 1, 2, 40, "rent") == (60, 140)
    if guildhall_engine == "postgres":
        assert (counter.transactions, counter.statements) == (0, 1), counter.by_sql
        assert len(sent) == 1 and "economy_transfer(" in sent[0], sent
    else:
        assert (counter.transactions, counter.statements) == (1, 3), counter.by_sql


async def test_a_refused_transfer_writes_nothing(guildhall_db, guildhall_engine: str) -> None:
    """The one-call transfer refuses on the balances the guarded updates saw, in the same
    round trip on PostgreSQL (one transaction of the refused update and a read of both
    balances on SQLite): no balance and no ledger row changes, the precise error."""
    await bank.deposit(1, G, 30, "admin")
    await bank.deposit(2, G, bank.COINS_MAX - 10, "admin")
    with StatementCounter().active() as counter, round_trips() as sent, \
            pytest.raises(bank.InsufficientFunds) as poor:
        await bank.transfer(G, 1, 2, 31)
    assert (poor.value.balance, poor.value.amount) == (30, 31)
    if guildhall_engine == "postgres":
        assert (counter.transactions, counter.statements, len(sent)) == (0, 1, 1), sent
    else:
        assert (counter.transactions, counter.statements) == (1, 2), counter.by_sql
    with pytest.raises(bank.BalanceTooHigh) as rich:
        await bank.transfer(G, 1, 2, 11)
    assert (rich.value.balance, rich.value.amount) == (bank.COINS_MAX - 10, 11)
    assert await bank.balance(1, G) == 30
    assert await bank.balance(2, G) == bank.COINS_MAX - 10
    assert await Transaction.filter(guild_id=G).count() == 2
    assert await bank.transfer(G, 1, 2, 10) == (20, bank.COINS_MAX)
    assert await bank.transfer(G, 1, 3, 20) == (0, 20)  # member 3 created on the way
    assert await Transaction.filter(guild_id=G).count() == 6


async def test_an_xp_flush_is_one_transaction_with_one_upsert_per_table(
    guildhall_db,
) -> None:
    """README/buffer: a flush is one transaction, the deletion fence, a multi-row upsert per
    table, plus one level UPDATE per table only when someone's level changed - whatever the
    member count (up to a chunk of 500)."""
    # the deletion fence (a deleted user's buffered XP is never written back) reads the
    # tombstones first: one SELECT, plus the shared advisory lock on PostgreSQL
    fence = 2 if guildhall_db.settings.database.dialect == "postgres" else 1
    buffer = XpBuffer()
    for user in range(1, 301):
        buffer.add(user, G, 20, f"user{user}")
    with StatementCounter().active() as counter:
        await buffer.flush()
    assert (counter.transactions, counter.statements) == (1, fence + 2), counter.by_sql

    for user in range(1, 301):
        buffer.add(user, G, 500, f"user{user}")  # everyone levels up
    with StatementCounter().active() as counter:
        ups = await buffer.flush()
    assert (counter.transactions, counter.statements) == (1, fence + 4), counter.by_sql
    assert len(ups) == 300
    assert await GuildMember.filter(guild_id=G, xp=520).count() == 300
