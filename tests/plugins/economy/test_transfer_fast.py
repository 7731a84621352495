"""The one-call transfer against a model: random transfers (refusals, overflows, members
created on the way) leave exactly the model's balances and a ledger that sums to them, on
both engines; crossing transfers run concurrently without deadlock or loss."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise import connections

from core.db.database import CONNECTION
from core.db.models import GuildMember
from core.services import coins as coins_service
from core.testing.bot_fixtures import eventually
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction

G = 77
MEMBERS = (1, 2, 3, 4, 5)  # 5 has no row until someone pays them


async def _balances() -> dict[int, int]:
    rows = await GuildMember.filter(guild_id=G).values_list("user_id", "coins")
    return {int(u): int(c) for u, c in rows}


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_transfers_match_the_model(guildhall_db, seed: int) -> None:
    rng = random.Random(seed)
    model = {1: 500, 2: 50, 3: 0, 4: bank.COINS_MAX - 100}
    for user, coins in model.items():
        await bank.deposit(user, G, coins + 10, "admin")
        await bank.withdraw(user, G, 10, "admin")
    model[5] = 0
    for _ in range(60):
        sender, recipient = rng.sample(MEMBERS, 2)
        amount = rng.choice([1, 7, 49, 50, 51, 100, 101, 499, 500])
        have = model[sender]
        try:
            result = await bank.transfer(G, sender, recipient, amount)
        except bank.InsufficientFunds as exc:
            assert have < amount and exc.balance == have
            continue
        except bank.BalanceTooHigh as exc:
            assert model[recipient] + amount > bank.COINS_MAX
            assert exc.balance == model[recipient]
            continue
        model[sender] -= amount
        model[recipient] += amount
        assert result == (model[sender], model[recipient])
    stored = await _balances()
    assert {u: stored.get(u, 0) for u in MEMBERS} == model
    assert await balance_mismatches() == []


async def test_crossing_transfers_run_concurrently(guildhall_db) -> None:
    """A->B and B->A at once (rows locked in user_id order): all complete, money conserved."""
    for user in (1, 2, 3):
        await bank.deposit(user, G, 1000, "admin")
    pairs = [(1, 2), (2, 1), (2, 3), (3, 1), (1, 3), (3, 2)] * 20
    results = await asyncio.gather(*(bank.transfer(G, a, b, 5) for a, b in pairs),
                                   return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sum((await _balances()).values()) == 3000
    assert await Transaction.filter(guild_id=G, transaction_type="transfer").count() == 240
    assert await balance_mismatches() == []


async def test_concurrent_transfers_both_ways_keep_every_invariant(guildhall_db) -> None:
    """400 transfers at once, in both directions between four members (plus two who get
    their row on the way, through the general path, concurrently with the one-call path):
    only refusals for funds reach the caller (no deadlock or serialization error), no
    balance goes below zero, the money is conserved and every balance equals its ledger."""
    members = (1, 2, 3, 4)
    for user in members:
        await bank.deposit(user, G, 300, "admin")
    rng = random.Random(7)
    plan = [(*rng.sample((*members, *members, 5, 6), 2), rng.randint(1, 250))
            for _ in range(400)]
    plan = [(a, b, amount) for a, b, amount in plan if a != b and a in members]
    results = await asyncio.gather(*(bank.transfer(G, a, b, amount) for a, b, amount in plan),
                                   return_exceptions=True)
    unexpected = [r for r in results
                  if isinstance(r, BaseException) and not isinstance(r, bank.InsufficientFunds)]
    assert unexpected == []
    moved = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, bank.InsufficientFunds)]
    assert moved and refused  # both outcomes really happened
    assert all(sender >= 0 and recipient >= 0 for sender, recipient in moved)
    assert all(r.balance < r.amount for r in refused)
    balances = await _balances()
    assert min(balances.values()) >= 0
    assert sum(balances.values()) == 300 * len(members)
    transfer_rows = Transaction.filter(guild_id=G, transaction_type="transfer")
    assert await transfer_rows.count() == 2 * len(moved)
    assert sum(await transfer_rows.values_list("amount", flat=True)) == 0
    assert await balance_mismatches() == []


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
async def test_a_deadlocked_transfer_is_retried_not_surfaced(guildhall_db,
                                                             guildhall_settings) -> None:
    """A real deadlock: another session holds member 2, the transfer 1 -> 2 takes member 1
    (user_id order) and waits for 2, then the other session asks for member 1. PostgreSQL
    aborts the transfer (its deadlock check runs first: the rival's waits 600 s); the
    service retries it and the member sees only the result."""
    for user in (1, 2):
        await bank.deposit(user, G, 100, "admin")
    url = urlsplit(guildhall_settings.database.url.get_secret_value())
    dsn = url._replace(scheme="postgresql").geturl()
    rival, observer = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    try:
        # the pool's sessions check for deadlocks after 5 s: time enough for the rival
        # to close the cycle however loaded the machine is
        await rival.execute(
            f"ALTER DATABASE \"{url.path.lstrip('/')}\" SET deadlock_timeout = '5s'")
        await connections.get(CONNECTION).close()  # the pool reconnects on its next use
        await rival.execute("SET deadlock_timeout = '600s'")
        before = coins_service.retries
        async with rival.transaction():
            hold = "UPDATE guild_members SET coins = coins WHERE guild_id = $1 AND user_id = $2"
            await rival.execute(hold, G, 2)
            transfer = asyncio.create_task(bank.transfer(G, 1, 2, 10))
            # (read from outside the rival's transaction: it would see a cached snapshot)
            await eventually(lambda: observer.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%economy_transfer(%'"),
                timeout=60, message="the transfer waits for member 2")
            await rival.execute(hold, G, 1)  # the cycle: PostgreSQL aborts the transfer
        assert await asyncio.wait_for(transfer, 60) == (90, 110)
    finally:
        await rival.close()
        await observer.close()
    assert coins_service.retries > before
    assert await Transaction.filter(guild_id=G, transaction_type="transfer").count() == 2
    assert await balance_mismatches() == []

