"""Earning and risking coins: ``daily`` (with streaks), ``work`` and ``gamble``.

Cooldowns come from the ledger itself (the member's latest ``daily``/``work`` row), read
inside the same transaction that pays, after the member's row is locked: restarts do not
reset them and two simultaneous claims cannot both pay.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from core.plugins.api import COINS_MAX, CoinsError, lock_members, run_atomic, validate_amount
from plugins.economy.models import Transaction
from plugins.economy.service import AmountRefused, TransactionType, apply
from plugins.economy.settings import EconomySettings

Random = Callable[[], float]  # returns a float in [0, 1)
_default_random = random.Random()


class OnCooldown(CoinsError):
    """The reward was claimed too recently; ``ready_at`` says when it is available."""

    def __init__(self, kind: str, ready_at: datetime) -> None:
        self.kind = kind
        self.ready_at = ready_at
        super().__init__(f"{kind} is available again at {ready_at.isoformat()}")


@dataclass(frozen=True, slots=True)
class Reward:
    """A paid reward: the amount, the new balance and (for daily) the streak day."""

    amount: int
    balance: int
    streak: int = 1


@dataclass(frozen=True, slots=True)
class GambleResult:
    """The outcome of a gamble: won or lost, the net change and the new balance."""

    won: bool
    bet: int
    delta: int
    balance: int


async def _recent(
    conn: BaseDBAsyncClient, user_id: int, guild_id: int, kind: str, limit: int
) -> list[datetime]:
    return list(
        await Transaction.filter(user_id=user_id, guild_id=guild_id, transaction_type=kind)
        .using_db(conn)
        .order_by("-created_at", "-id")
        .limit(limit)
        .values_list("created_at", flat=True)
    )


def _check_cooldown(kind: str, last: list[datetime], cooldown: timedelta, now: datetime) -> None:
    if last and now - last[0] < cooldown:
        raise OnCooldown(kind, last[0] + cooldown)


def streak_day(claims: list[datetime], now: datetime, window: timedelta, cap: int) -> int:
    """Which day of an unbroken streak a claim at ``now`` is (1 = no streak), at most ``cap``.

    ``claims`` are earlier claim times, newest first; a gap longer than ``window`` breaks it.
    """
    day, previous = 1, now
    for claimed in claims:
        if day >= cap or previous - claimed > window:
            break
        day, previous = day + 1, claimed
    return day


async def claim_daily(
    user_id: int,
    guild_id: int,
    settings: EconomySettings,
    *,
    username: str = "",
    now: datetime | None = None,
) -> Reward:
    """Pay the daily reward plus the streak bonus; :class:`OnCooldown` when too early."""
    when = now or datetime.now(UTC)
    cooldown = timedelta(hours=settings.daily_cooldown_hours)
    window = timedelta(hours=settings.daily_streak_window_hours)

    async def work(conn: BaseDBAsyncClient) -> Reward:
        await lock_members(conn, guild_id, [(user_id, username)])
        claims = await _recent(conn, user_id, guild_id, TransactionType.DAILY,
                               settings.daily_streak_max_days)
        _check_cooldown(TransactionType.DAILY, claims, cooldown, when)
        day = streak_day(claims, when, window, settings.daily_streak_max_days)
        amount = validate_amount(settings.daily_amount + settings.daily_streak_bonus * (day - 1))
        note = f"daily reward, streak day {day}" if day > 1 else "daily reward"
        balance = await apply(conn, user_id, guild_id, amount, TransactionType.DAILY, note,
                              now=when)
        return Reward(amount, balance, day)

    return await run_atomic(work)


async def do_work(
    user_id: int,
    guild_id: int,
    settings: EconomySettings,
    *,
    username: str = "",
    now: datetime | None = None,
    rng: Random = _default_random.random,
) -> Reward:
    """Pay a random amount in ``work_min..work_max``; :class:`OnCooldown` when too early."""
    when = now or datetime.now(UTC)
    cooldown = timedelta(hours=settings.work_cooldown_hours)
    span = settings.work_max - settings.work_min + 1
    amount = settings.work_min + min(int(rng() * span), span - 1)

    async def work(conn: BaseDBAsyncClient) -> Reward:
        await lock_members(conn, guild_id, [(user_id, username)])
        _check_cooldown(TransactionType.WORK,
                        await _recent(conn, user_id, guild_id, TransactionType.WORK, 1),
                        cooldown, when)
        balance = await apply(conn, user_id, guild_id, amount, TransactionType.WORK, "work",
                              now=when)
        return Reward(amount, balance)

    return await run_atomic(work)


async def gamble(
    user_id: int,
    guild_id: int,
    bet: int,
    settings: EconomySettings,
    *,
    username: str = "",
    rng: Random = _default_random.random,
) -> GambleResult:
    """Stake ``bet`` on a coin flip: win ``bet * payout_ratio`` or lose the bet.

    The member needs the whole stake whether they win or not (checked atomically).
    """
    validate_amount(bet)
    if bet > settings.gamble_max_bet:
        raise AmountRefused("amount.highest_bet", maximum=settings.gamble_max_bet)
    won = rng() < settings.gamble_win_chance
    winnings = min(settings.gamble_winnings(bet), COINS_MAX)
    delta = winnings if won else -bet
    note = f"won a bet of {bet}" if won else f"lost a bet of {bet}"

    async def work(conn: BaseDBAsyncClient) -> int:
        return await apply(conn, user_id, guild_id, delta, TransactionType.GAMBLE, note,
                           needs=bet, username=username)

    balance = await run_atomic(work)
    return GambleResult(won, bet, delta, balance)
