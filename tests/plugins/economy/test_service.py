"""The bank: guarded debits, atomic transfers, invalid amounts, on both engines."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from core.db.models import GuildMember
from core.services.coins import COINS_MAX, get_coins
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction

G = 700


async def _rows(**filters: object) -> list[tuple[int, int, str]]:
    return list(
        await Transaction.filter(guild_id=G, **filters)
        .order_by("id")
        .values_list("user_id", "amount", "transaction_type")
    )


async def test_deposit_and_withdraw_write_balance_and_ledger_together(guildhall_db) -> None:
    assert await bank.deposit(1, G, 100, "admin", "seed", username="ann") == 100
    assert await bank.withdraw(1, G, 30, "purchase", "hat") == 70
    assert await bank.change(1, G, 5, "quest") == 75
    assert await bank.balance(1, G) == 75
    assert await _rows() == [(1, 100, "admin"), (1, -30, "purchase"), (1, 5, "quest")]
    assert await balance_mismatches() == []


async def test_guarded_debit_never_goes_below_zero(guildhall_db) -> None:
    await bank.deposit(1, G, 50, "admin")
    with pytest.raises(bank.InsufficientFunds) as caught:
        await bank.withdraw(1, G, 51, "purchase")
    assert (caught.value.balance, caught.value.amount) == (50, 51)
    assert "balance 50 is less than the 51 needed" in str(caught.value)
    assert await bank.withdraw(1, G, 50, "purchase") == 0
    with pytest.raises(bank.InsufficientFunds):
        await bank.withdraw(1, G, 1, "purchase")
    assert await bank.balance(1, G) == 0
    assert len(await _rows()) == 2  # the refused debits wrote nothing


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "must not be zero"),
        (-5, "must be positive"),
        (COINS_MAX + 1, f"at most {COINS_MAX}"),
        (1.5, "whole number"),
        ("10", "whole number"),
        (True, "whole number"),
    ],
)
async def test_invalid_amounts_are_value_errors_and_write_nothing(
    guildhall_db, amount: object, message: str
) -> None:
    await bank.deposit(1, G, 10, "admin")
    for call in (bank.deposit, bank.withdraw):
        with pytest.raises(ValueError, match=message):
            await call(1, G, amount, "admin")  # type: ignore[arg-type]
    with pytest.raises(bank.InvalidAmount, match=message):
        await bank.transfer(G, 1, 2, amount)  # type: ignore[arg-type]
    assert await bank.balance(1, G) == 10
    assert len(await _rows()) == 1


async def test_balance_never_exceeds_the_int_column(guildhall_db) -> None:
    assert await bank.deposit(1, G, COINS_MAX, "admin") == COINS_MAX
    with pytest.raises(bank.BalanceTooHigh) as caught:
        await bank.deposit(1, G, 1, "admin")
    assert isinstance(caught.value, ValueError)
    assert (caught.value.balance, caught.value.amount) == (COINS_MAX, 1)
    assert await bank.balance(1, G) == COINS_MAX
    assert len(await _rows()) == 1


async def test_transfer_moves_both_balances_with_two_rows(guildhall_db) -> None:
    await bank.deposit(1, G, 100, "admin")
    assert await bank.transfer(G, 1, 2, 40, "rent") == (60, 40)
    assert await _rows(transaction_type="transfer") == [(1, -40, "transfer"), (2, 40, "transfer")]
    descriptions = await Transaction.filter(transaction_type="transfer").order_by("id") \
        .values_list("description", flat=True)
    assert descriptions == ["to <@2> (rent)", "from <@1> (rent)"]
    assert await balance_mismatches() == []


async def test_transfer_refusals_change_nothing(guildhall_db) -> None:
    await bank.deposit(1, G, 100, "admin")
    await bank.deposit(2, G, COINS_MAX - 10, "admin")
    with pytest.raises(bank.InsufficientFunds):
        await bank.transfer(G, 1, 2, 101)
    with pytest.raises(bank.SelfTransfer):
        await bank.transfer(G, 1, 1, 5)
    # the credit fails (recipient would overflow): the debit is rolled back with it
    with pytest.raises(bank.BalanceTooHigh):
        await bank.transfer(G, 1, 2, 11)
    assert await bank.balance(1, G) == 100
    assert await bank.balance(2, G) == COINS_MAX - 10
    assert await _rows(transaction_type="transfer") == []


async def test_stake_is_required_even_when_the_change_is_a_gain(guildhall_db) -> None:
    await bank.deposit(1, G, 10, "admin")
    with pytest.raises(bank.InsufficientFunds) as caught:
        await bank.change(1, G, 5, "gamble", needs=20)
    assert (caught.value.balance, caught.value.amount) == (10, 20)
    assert await bank.change(1, G, 5, "gamble", needs=10) == 15


async def test_inside_an_outer_transaction_everything_rolls_back(guildhall_db) -> None:
    await bank.deposit(1, G, 100, "admin")
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await bank.transfer(G, 1, 2, 30)
            raise RuntimeError("the caller's own work failed")
    assert (await get_coins(1, G), await get_coins(2, G)) == (100, 0)
    assert len(await _rows()) == 1


async def test_history_and_richest(guildhall_db) -> None:
    for user, coins in [(1, 50), (2, 300), (3, 300), (4, 10)]:
        await bank.deposit(user, G, coins, "admin")
    await GuildMember.create(user_id=4, guild_id=G + 1, coins=0)  # another guild, ignored
    page, pages = await bank.richest(G, 1, per_page=3)
    assert pages == 2
    assert [(e.rank, e.user_id, e.coins) for e in page] == [(1, 2, 300), (2, 3, 300), (3, 1, 50)]
    last, _ = await bank.richest(G, 99, per_page=3)
    assert [(e.rank, e.user_id) for e in last] == [(4, 4)]
    for i in range(25):
        await bank.deposit(1, G, i + 1, "work")
    latest = await bank.history(1, G)
    assert [t.amount for t in latest] == list(range(25, 5, -1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("250", 250), (" 1,000 ", 1000), ("1_000", 1000), ("+7", 7), ("all", 42)],
)
def test_parse_amount_accepts(text: str, expected: int) -> None:
    assert bank.parse_amount(text, balance=42) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "whole number"),
        ("1.5", "whole number"),
        ("1e3", "whole number"),
        ("", "whole number"),
        ("0", "not be zero"),
        ("-3", "positive"),
        ("2147483648", "at most 2,147,483,647"),
        ("99999999999999999999999", "at most"),
        ("all", "whole number"),  # no balance given: "all" is not allowed here
    ],
)
def test_parse_amount_refuses(text: str, message: str) -> None:
    with pytest.raises(bank.InvalidAmount, match=message):
        bank.parse_amount(text)
