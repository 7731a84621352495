"""Statement counts README states, counted at the database client: every ``execute_*``
call of every Tortoise client and transaction class (``StatementCounter``), with the
transactions (each one BEGIN and COMMIT) counted apart."""

from __future__ import annotations

from core.db.models import GuildMember
from plugins.economy import service as bank
from plugins.leveling.buffer import XpBuffer
from tests.bench.common import StatementCounter

G = 10


async def test_a_transfer_sends_nine_statements(guildhall_db, guildhall_engine: str) -> None:
    """README, economy bench: "it now sends 9" (PostgreSQL, both members known). SQLite
    locks the whole database instead of the two rows: one statement fewer."""
    await bank.deposit(1, G, 100, "admin")
    await bank.deposit(2, G, 100, "admin")
    with StatementCounter().active() as counter:
        assert await bank.transfer(G, 1, 2, 40, "rent") == (60, 140)
    assert counter.transactions == 1
    expected = 9 if guildhall_engine == "postgres" else 8
    assert counter.statements == expected, counter.by_sql


async def test_an_xp_flush_is_one_transaction_with_one_upsert_per_table(
    guildhall_db,
) -> None:
    """README/buffer: a flush is one transaction, a multi-row upsert per table, plus one
    level UPDATE per table only when someone's level changed - whatever the member count
    (up to a chunk of 500)."""
    buffer = XpBuffer()
    for user in range(1, 301):
        buffer.add(user, G, 20, f"user{user}")
    with StatementCounter().active() as counter:
        await buffer.flush()
    assert (counter.transactions, counter.statements) == (1, 2), counter.by_sql

    for user in range(1, 301):
        buffer.add(user, G, 500, f"user{user}")  # everyone levels up
    with StatementCounter().active() as counter:
        ups = await buffer.flush()
    assert (counter.transactions, counter.statements) == (1, 4), counter.by_sql
    assert len(ups) == 300
    assert await GuildMember.filter(guild_id=G, xp=520).count() == 300
