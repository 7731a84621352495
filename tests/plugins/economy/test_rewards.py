"""Daily (cooldown, streak), work and gamble rules, on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from plugins.economy import rewards
from plugins.economy import service as bank
from plugins.economy.maintenance import balance_mismatches
from plugins.economy.models import Transaction
from plugins.economy.settings import EconomySettings

G = 800
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
SETTINGS = EconomySettings(daily_amount=100, daily_streak_bonus=10, daily_streak_max_days=3,
                           work_min=20, work_max=80, gamble_max_bet=500)


async def test_daily_cooldown_comes_from_the_ledger(guildhall_db) -> None:
    first = await rewards.claim_daily(1, G, SETTINGS, now=T0)
    assert (first.amount, first.balance, first.streak) == (100, 100, 1)
    with pytest.raises(rewards.OnCooldown) as caught:
        await rewards.claim_daily(1, G, SETTINGS, now=T0 + 23 * H)
    assert caught.value.ready_at == T0 + 24 * H
    assert await Transaction.filter(transaction_type="daily").count() == 1
    # another guild has its own cooldown
    assert (await rewards.claim_daily(1, G + 1, SETTINGS, now=T0 + H)).amount == 100


async def test_daily_streak_grows_caps_and_breaks(guildhall_db) -> None:
    days = [T0, T0 + 25 * H, T0 + 50 * H, T0 + 75 * H]
    got = [await rewards.claim_daily(1, G, SETTINGS, now=when) for when in days]
    assert [(r.streak, r.amount) for r in got] == [(1, 100), (2, 110), (3, 120), (3, 120)]
    late = await rewards.claim_daily(1, G, SETTINGS, now=days[-1] + 49 * H)  # gap > 48 h
    assert (late.streak, late.amount) == (1, 100)
    assert late.balance == 550
    assert await balance_mismatches() == []


def test_streak_day_counts_consecutive_claims() -> None:
    window = timedelta(hours=48)
    claims = [T0 - 30 * H, T0 - 60 * H, T0 - 200 * H]
    assert rewards.streak_day(claims, T0, window, cap=7) == 3
    assert rewards.streak_day(claims, T0, window, cap=2) == 2
    assert rewards.streak_day([], T0, window, cap=7) == 1


async def test_simultaneous_daily_claims_pay_once(guildhall_db) -> None:
    outcomes = await asyncio.gather(
        *(rewards.claim_daily(1, G, SETTINGS, now=T0) for _ in range(10)),
        return_exceptions=True,
    )
    paid = [o for o in outcomes if isinstance(o, rewards.Reward)]
    assert len(paid) == 1
    assert all(isinstance(o, rewards.OnCooldown) for o in outcomes if o not in paid)
    assert await bank.balance(1, G) == 100


async def test_work_pays_within_range_with_hourly_cooldown(guildhall_db) -> None:
    low = await rewards.do_work(1, G, SETTINGS, now=T0, rng=lambda: 0.0)
    assert low.amount == 20
    with pytest.raises(rewards.OnCooldown):
        await rewards.do_work(1, G, SETTINGS, now=T0 + 59 * 60 * timedelta(seconds=1))
    high = await rewards.do_work(1, G, SETTINGS, now=T0 + H, rng=lambda: 0.999999)
    assert high.amount == 80
    assert high.balance == 100


async def test_gamble_wins_and_loses_by_the_injected_random(guildhall_db) -> None:
    await bank.deposit(1, G, 100, "admin")
    won = await rewards.gamble(1, G, 50, SETTINGS, rng=lambda: 0.1)
    assert (won.won, won.delta, won.balance) == (True, 46, 146)  # 0.5 chance, 4 % edge
    lost = await rewards.gamble(1, G, 46, SETTINGS, rng=lambda: 0.9)
    assert (lost.won, lost.delta, lost.balance) == (False, -46, 100)
    assert await Transaction.filter(transaction_type="gamble").count() == 2


async def test_gamble_refusals_write_nothing(guildhall_db) -> None:
    await bank.deposit(1, G, 100, "admin")
    with pytest.raises(bank.InsufficientFunds):
        await rewards.gamble(1, G, 101, SETTINGS, rng=lambda: 0.0)  # a win still needs 101
    with pytest.raises(bank.InvalidAmount, match="highest bet is 500"):
        await rewards.gamble(1, G, 501, SETTINGS, rng=lambda: 0.0)
    with pytest.raises(bank.InvalidAmount):
        await rewards.gamble(1, G, 0, SETTINGS)
    assert await Transaction.filter(transaction_type="gamble").count() == 0
    assert await bank.balance(1, G) == 100


def test_house_edge_sets_the_payout() -> None:
    fair = EconomySettings(gamble_win_chance=0.5, gamble_house_edge=0)
    assert fair.gamble_winnings(100) == 100
    assert EconomySettings(gamble_win_chance=0.25, gamble_house_edge=0.1).gamble_winnings(100) \
        == 260
    with pytest.raises(ValueError, match="leaves no winnings"):
        EconomySettings(gamble_win_chance=0.9, gamble_house_edge=0.2)
    with pytest.raises(ValueError, match="lowest work pay"):
        EconomySettings(work_min=10, work_max=5)
