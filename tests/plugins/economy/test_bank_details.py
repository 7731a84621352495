"""The bank in detail, on both engines: what each write records (ledger texts, names of
members it creates), its reads (``can_spend``, ``history``, ``richest``,
``top_balances``) and typed amounts at their edges.

``test_service.py`` holds the money invariants; these hold what a member is shown: whose
rows, in which order, how many, with which words, and which typed amounts are accepted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.db.models import GuildMember, User
from core.services.coins import COINS_MAX, run_atomic
from plugins.economy import service as bank
from plugins.economy.models import Transaction
from tests.bench.common import StatementCounter

G, OTHER_GUILD = 710, 711


def test_all_needs_something_to_use_and_the_maximum_itself_is_accepted() -> None:
    assert bank.parse_amount("all", balance=1) == 1
    for balance in (0, -5):
        with pytest.raises(bank.AmountRefused) as caught:
            bank.parse_amount("all", balance=balance)
        assert str(caught.value) == "you have nothing to use"
    assert bank.parse_amount(str(COINS_MAX)) == COINS_MAX
    assert bank.parse_amount(f"{COINS_MAX:,}") == COINS_MAX


async def test_can_spend_is_true_up_to_exactly_the_balance_of_this_member(guildhall_db) -> None:
    await bank.deposit(1, G, 30, "admin")
    await bank.deposit(2, G, 500, "admin")
    await bank.deposit(1, OTHER_GUILD, 500, "admin")
    assert await bank.can_spend(1, G, 30) is True
    assert await bank.can_spend(1, G, 31) is False
    with pytest.raises(bank.InvalidAmount):
        await bank.can_spend(1, G, 0)


async def _ledger(rows: list[tuple[int, int, int, datetime]]) -> None:
    """Ledger rows (user, guild, amount, time) written directly, in this id order."""
    await Transaction.bulk_create([
        Transaction(user_id=user, guild_id=guild, amount=amount, transaction_type="work",
                    created_at=at) for user, guild, amount, at in rows])


async def test_history_is_this_members_newest_first_by_time_then_by_id(guildhall_db) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await _ledger([
        (1, G, 3, start + timedelta(hours=3)),
        (1, G, 1, start + timedelta(hours=1)),  # written later, but older
        (2, G, 99, start + timedelta(hours=9)),  # another member
        (1, OTHER_GUILD, 98, start + timedelta(hours=9)),  # another guild
        (1, G, 4, start + timedelta(hours=4)),
        (1, G, 5, start + timedelta(hours=4)),  # the same time: the later id first
    ])
    assert [t.amount for t in await bank.history(1, G)] == [5, 4, 3, 1]


async def test_history_shows_at_least_one_and_at_most_a_hundred_rows(guildhall_db) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    await _ledger([(1, G, i + 1, start + timedelta(minutes=i)) for i in range(102)])
    assert [t.amount for t in await bank.history(1, G, limit=0)] == [102]
    assert [t.amount for t in await bank.history(1, G, limit=2)] == [102, 101]
    assert len(await bank.history(1, G, limit=101)) == 100
    assert len(await bank.history(1, G)) == 20


async def _balances(guild: int, coins: dict[int, int]) -> None:
    """Members of ``guild`` with these balances (users new to the test)."""
    await User.bulk_create([User(user_id=user, username=f"u{user}") for user in coins])
    await GuildMember.bulk_create([
        GuildMember(user_id=user, guild_id=guild, coins=amount) for user, amount in coins.items()])


async def test_richest_pages_this_guilds_members_with_coins(guildhall_db) -> None:
    """Default pages of ten; a member with one coin counts, one with none does not."""
    await _balances(G, {user: 100 + user for user in range(1, 11)} | {11: 1, 12: 0})
    await _balances(OTHER_GUILD, {50: 10_000})
    first, pages = await bank.richest(G)
    assert pages == 2
    assert [(e.rank, e.user_id, e.coins) for e in first[:2]] == [(1, 10, 110), (2, 9, 109)]
    assert len(first) == 10
    second, _ = await bank.richest(G, 2)
    assert [(e.rank, e.user_id, e.coins) for e in second] == [(11, 11, 1)]
    assert await bank.richest(OTHER_GUILD + 1) == ([], 1)  # nobody has coins: one empty page


async def test_top_balances_are_this_guilds_richest_ties_by_user(guildhall_db) -> None:
    await _balances(G, {user: 100 for user in range(1, 12)} | {12: 500, 13: 1, 14: 0})
    await _balances(OTHER_GUILD, {50: 10_000})
    top = await bank.top_balances(G)
    assert [(e.rank, e.user_id, e.coins) for e in top] == (
        [(1, 12, 500)] + [(rank, rank - 1, 100) for rank in range(2, 11)])
    assert [(e.rank, e.user_id, e.coins) for e in await bank.top_balances(G, 20)][-2:] == [
        (12, 11, 100), (13, 13, 1)]
    assert await bank.top_balances(OTHER_GUILD + 1) == []


async def test_apply_writes_the_ledger_row_at_the_given_time(guildhall_db) -> None:
    at = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert await run_atomic(lambda conn: bank.apply(
        conn, 1, G, 25, " quest ", "x" * 300, now=at, username="ann")) == 25
    [row] = await Transaction.filter(guild_id=G)
    assert (row.user_id, row.amount, row.transaction_type) == (1, 25, "quest")
    assert row.description == "x" * bank.DESCRIPTION_MAX and row.created_at == at
    assert (await User.get(user_id=1)).username == "ann"
    await run_atomic(lambda conn: bank.apply(conn, 7, G, 5, "quest"))  # no name: the id
    assert (await User.get(user_id=7)).username == "7"


@pytest.mark.parametrize("kind", ["", "   ", "x" * 33])
async def test_a_transaction_type_is_one_to_32_characters(guildhall_db, kind: str) -> None:
    with StatementCounter().active() as sent, pytest.raises(ValueError) as caught:
        await bank.deposit(1, G, 5, kind)
    assert str(caught.value) == f"a transaction type must be 1-32 characters, not {kind!r}"
    assert sent.total == 0  # refused before the database is touched
    assert await bank.deposit(1, G, 5, "x" * 32) == 5
    assert await Transaction.filter(guild_id=G).count() == 1


async def test_writes_record_their_descriptions_and_the_names_of_new_members(
    guildhall_db,
) -> None:
    assert await bank.deposit(1, G, 100, "admin", "seed", username="ann") == 100
    assert await bank.withdraw(1, G, 30, "purchase", "hat") == 70
    assert await bank.transfer(G, 1, 2, 10) == (60, 10)  # 2 has no row: the general path
    assert await bank.transfer(G, 1, 3, 10, recipient_name="cy") == (50, 10)
    assert await bank.transfer(G, 1, 2, 5, "tip") == (45, 15)  # both known: the fast path
    rows = await Transaction.filter(guild_id=G).order_by("id").values_list(
        "user_id", "amount", "description")
    assert rows == [(1, 100, "seed"), (1, -30, "hat"),
                    (1, -10, "to <@2>"), (2, 10, "from <@1>"),
                    (1, -10, "to <@3>"), (3, 10, "from <@1>"),
                    (1, -5, "to <@2> (tip)"), (2, 5, "from <@1> (tip)")]
    assert await bank.change(4, G, 5, "quest") == 5  # no name given: the id stands in
    assert await bank.deposit(5, G, 5, "quest") == 5
    assert await User.filter(user_id__in=[1, 2, 3, 4, 5]).order_by("user_id").values_list(
        "username", flat=True) == ["ann", "2", "cy", "4", "5"]
    with pytest.raises(bank.SelfTransfer) as caught:
        await bank.transfer(G, 1, 1, 5)
    assert str(caught.value) == "you cannot transfer to yourself"


async def test_a_transfer_between_known_members_takes_the_one_call_path(
    guildhall_db, guildhall_engine: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """PostgreSQL: one statement, the ``economy_transfer()`` call; SQLite: the guarded debit
    and credit and the two-row ledger insert, without the general path's member reads. A
    refusal between known members is decided there too."""
    await bank.deposit(1, G, 100, "admin")
    await bank.deposit(2, G, 1, "admin")
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        with pytest.raises(bank.InsufficientFunds):
            await bank.transfer(G, 1, 2, 101)
    refusal = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    assert refusal and not any('"guild_members"' in s for s in refusal), refusal
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        assert await bank.transfer(G, 1, 2, 40, "rent") == (60, 41)
    statements = [r.getMessage() for r in caplog.records if r.name == "tortoise.db_client"]
    if guildhall_engine == "postgres":
        assert len(statements) == 1 and "FROM economy_transfer(" in statements[0], statements
    else:
        assert [s.split(" ", 3)[:3] for s in statements if not s.startswith("SELECT")] == [
            ["UPDATE", "guild_members", "SET"]] * 2 + [["INSERT", "INTO", "transactions"]]
        assert not any("FOR UPDATE" in s or '"guild_members"' in s for s in statements)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone 14 hours ahead of UTC (a naive "now" would show)."""
    monkeypatch.setenv("TZ", "XYZ-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("recipient_known", [True, False], ids=["one-call", "general"])
async def test_both_rows_of_a_transfer_have_the_same_utc_time(
    guildhall_db, far_from_utc: None, recipient_known: bool,
) -> None:
    await bank.deposit(1, G, 100, "admin")
    if recipient_known:
        await bank.deposit(2, G, 1, "admin")
    before = datetime.now(UTC)
    await bank.transfer(G, 1, 2, 10)
    after = datetime.now(UTC)
    times = await Transaction.filter(transaction_type="transfer").values_list(
        "created_at", flat=True)
    assert len(times) == 2 and times[0] == times[1]
    assert before - timedelta(seconds=1) <= times[0] <= after + timedelta(seconds=1), times


async def test_a_deposit_is_recorded_at_the_utc_time(guildhall_db, far_from_utc: None) -> None:
    before = datetime.now(UTC)
    await bank.deposit(1, G, 100, "admin")
    after = datetime.now(UTC)
    [at] = await Transaction.filter(guild_id=G).values_list("created_at", flat=True)
    assert before - timedelta(seconds=1) <= at <= after + timedelta(seconds=1), at


async def test_a_refused_credit_names_the_recipients_balance_and_the_amount(guildhall_db) -> None:
    """The sender has exactly the amount (the debit alone would pass): the refusal is the
    recipient's, with their balance and the amount, and nothing moved."""
    await bank.deposit(1, G, 60, "admin")
    await bank.deposit(2, G, COINS_MAX - 10, "admin")
    with pytest.raises(bank.BalanceTooHigh) as caught:
        await bank.transfer(G, 1, 2, 60)
    assert (caught.value.balance, caught.value.amount) == (COINS_MAX - 10, 60)
    assert (await bank.balance(1, G), await bank.balance(2, G)) == (60, COINS_MAX - 10)
