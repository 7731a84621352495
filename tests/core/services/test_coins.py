"""``core.services.coins`` directly: amounts, what is transient, retries, member locks.

The bank's tests (``tests/plugins/economy``) hold the money invariants end to end; these
hold the rules underneath them that a bank test would not notice breaking: which errors
are retried and how often and how long apart, that a nested transaction is never
retried, and which member rows a transfer's transaction locks.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION
from core.db.models import GuildMember, User
from core.services import coins
from core.testing.bot_fixtures import eventually
from tests.helpers import waiting_on_a_lock

G, OTHER_GUILD = 910, 911
LOCKED = sqlite3.OperationalError("database is locked")


def test_each_refusal_of_an_amount_says_why() -> None:
    assert coins.validate_amount(1) == 1 and coins.validate_amount(-1, allow_negative=True) == -1
    for amount, message in ((0, "the amount must not be zero"),
                            (-3, "the amount must be positive, not -3"),
                            (coins.COINS_MAX + 1, f"the amount must be at most {coins.COINS_MAX}, "
                                                  f"not {coins.COINS_MAX + 1}"),
                            (2.0, "the amount must be a whole number, not 2.0")):
        with pytest.raises(coins.InvalidAmount) as caught:
            coins.validate_amount(amount)
        assert str(caught.value) == message
    with pytest.raises(coins.AmountOutOfBounds) as caught:
        coins.validate_amount(-3)
    assert caught.value.localized_text("de") == "der Betrag muss positiv sein, nicht -3"
    too_high = coins.BalanceTooHigh(coins.COINS_MAX - 1, 5)
    assert str(too_high) == (f"a balance of {coins.COINS_MAX - 1} plus 5 would exceed the "
                             f"maximum of {coins.COINS_MAX}")


def _caused_by(cause: BaseException, *, implicit: bool) -> RuntimeError:
    error = RuntimeError("the transaction failed")
    if implicit:
        error.__context__ = cause  # raised while handling it
    else:
        error.__cause__ = cause  # raise ... from cause
    return error


def _its_own_argument() -> Exception:
    error = Exception()
    error.args = (error,)
    return error


@pytest.mark.parametrize(("error", "transient"), [
    (LOCKED, True),
    (sqlite3.OperationalError("database table is locked"), True),
    (sqlite3.OperationalError("database is busy"), True),
    (sqlite3.OperationalError("no such table: guild_members"), False),
    (asyncpg.exceptions.DeadlockDetectedError("deadlock detected"), True),
    (asyncpg.exceptions.SerializationError("could not serialize access"), True),
    (asyncpg.exceptions.UniqueViolationError("duplicate key"), False),
    (OperationalError(LOCKED), True),  # how Tortoise wraps the driver's error
    (_caused_by(LOCKED, implicit=False), True),
    (_caused_by(LOCKED, implicit=True), True),
    (_caused_by(ValueError("locked"), implicit=True), False),
    (ValueError("database is locked"), False),  # only the driver's errors count
    (_its_own_argument(), False),
], ids=lambda value: value if isinstance(value, bool) else type(value).__name__)
def test_only_lock_and_serialization_failures_are_transient(
    error: BaseException, transient: bool
) -> None:
    assert coins.is_transient(error) is transient


class Flaky:
    """Work that fails ``fails`` times with ``error``, then returns ``"done"``."""

    def __init__(self, fails: int, error: Exception = LOCKED) -> None:
        self.fails, self.error, self.calls = fails, error, 0

    async def __call__(self, conn: Any) -> str:
        self.calls += 1
        if self.calls <= self.fails:
            raise self.error
        return "done"


@pytest.fixture
def delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses between retries, recorded instead of slept, with a fixed jitter."""
    recorded: list[float] = []
    real_sleep = asyncio.sleep

    async def record(seconds: float) -> None:
        recorded.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(coins.asyncio, "sleep", record)
    monkeypatch.setattr(coins.random, "random", lambda: 0.25)  # jitter factor 0.75
    return recorded


async def test_transient_failures_are_retried_with_doubling_pauses(
    guildhall_db: Any, delays: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=coins.__name__)
    work, before = Flaky(fails=3), coins.retries
    assert await coins.run_statement(work) == "done"
    assert work.calls == 4 and coins.retries - before == 3
    base = coins.RETRY_BASE_DELAY * 0.75
    assert delays == pytest.approx([base, 2 * base, 4 * base])
    assert [r.getMessage() for r in caplog.records if r.name == coins.__name__] == [
        f"coins transaction retried ({n}): database is locked" for n in (1, 2, 3)]


async def test_the_last_attempt_raises_the_transient_error_itself(
    guildhall_db: Any, delays: list[float]
) -> None:
    work = Flaky(fails=10)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await coins.run_statement(work, attempts=3)
    assert work.calls == 3 and len(delays) == 2


async def test_other_errors_are_raised_at_once(guildhall_db: Any, delays: list[float]) -> None:
    work = Flaky(fails=1, error=ValueError("bad row"))
    with pytest.raises(ValueError, match="bad row"):
        await coins.run_atomic(work)
    assert work.calls == 1 and delays == []


@pytest.mark.parametrize("runner", ["run_atomic", "run_statement"])
async def test_inside_a_transaction_nothing_is_retried(
    guildhall_db: Any, delays: list[float], runner: str
) -> None:
    """Only the outermost transaction can be run again; a savepoint retried alone would
    repeat its work inside a transaction that already failed."""
    work = Flaky(fails=1)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        async with in_transaction(CONNECTION):
            await getattr(coins, runner)(work)
    assert work.calls == 1 and delays == []


async def test_lock_members_creates_missing_members_with_their_names(guildhall_db: Any) -> None:
    async def work(conn: Any) -> None:
        await coins.lock_members(conn, G, [(1, "ann"), (2, "bob")])

    await coins.run_atomic(work)
    members = await GuildMember.filter(guild_id=G).order_by("user_id").values_list(
        "user_id", flat=True)
    assert members == [1, 2]
    assert await User.filter(user_id__in=[1, 2]).order_by("user_id").values_list(
        "username", flat=True) == ["ann", "bob"]


async def test_a_refusal_reports_the_balance_in_this_guild(guildhall_db: Any) -> None:
    """The same person has a balance in another guild: the refusal reads this one."""
    for guild, amount in ((G, 30), (OTHER_GUILD, 500)):
        await coins.run_atomic(lambda conn, g=guild, a=amount: coins.change_coins(conn, 1, g, a))
    with pytest.raises(coins.InsufficientFunds) as caught:
        await coins.run_atomic(lambda conn: coins.change_coins(conn, 1, G, -40))
    assert (caught.value.balance, caught.value.amount) == (30, 40)
    assert await coins.get_coins(1, G) == 30


async def _waiting_on_a_lock() -> bool:
    return await waiting_on_a_lock("guild_members")


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
async def test_lock_members_locks_exactly_the_named_members_of_the_guild(
    guildhall_db: Any,
) -> None:
    """While a transaction holds the lock of members 1 and 2 of the guild, a write to
    member 1 waits for it; member 3 and member 1's row in another guild do not."""
    for user, guild in ((1, G), (2, G), (3, G), (1, OTHER_GUILD)):
        await coins.run_atomic(lambda conn, u=user, g=guild: coins.change_coins(conn, u, g, 10))
    locked, release = asyncio.Event(), asyncio.Event()

    async def hold(conn: Any) -> None:
        await coins.lock_members(conn, G, [(2, ""), (1, "")])
        locked.set()
        await release.wait()

    holder = asyncio.create_task(coins.run_atomic(hold))
    try:
        await asyncio.wait_for(locked.wait(), 60)

        async def deposit(user: int, guild: int) -> int:
            return await coins.run_atomic(lambda conn: coins.change_coins(conn, user, guild, 1))

        assert await asyncio.wait_for(deposit(3, G), 60) == 11
        assert await asyncio.wait_for(deposit(1, OTHER_GUILD), 60) == 11
        blocked = asyncio.create_task(deposit(1, G))
        await eventually(_waiting_on_a_lock, timeout=60, message="member 1 was not locked")
        assert not blocked.done()
        release.set()
        assert await asyncio.wait_for(blocked, 60) == 11
    finally:
        release.set()
        await asyncio.wait_for(holder, 60)


def _change(user: int, delta: int, guild: int = G, **options: Any) -> Any:
    return coins.run_atomic(lambda conn: coins.change_coins(conn, user, guild, delta, **options))


async def test_change_coins_creates_the_member_and_returns_the_new_balance(
    guildhall_db: Any,
) -> None:
    assert await coins.get_coins(5, G) == 0  # never seen
    assert await _change(5, 7, username="eve") == 7
    assert await _change(5, -2) == 5
    assert await _change(6, 1) == 1  # no name given: the id stands in
    assert [await coins.get_coins(*key) for key in ((5, G), (6, G), (5, OTHER_GUILD))] == [5, 1, 0]
    assert await User.filter(user_id__in=[5, 6]).order_by("user_id").values_list(
        "username", flat=True) == ["eve", "6"]


async def test_change_coins_refuses_what_does_not_fit_and_changes_nothing(
    guildhall_db: Any,
) -> None:
    await _change(1, 10)
    for delta, needs, expected in ((-11, 0, (10, 11)), (5, 20, (10, 20))):
        with pytest.raises(coins.InsufficientFunds) as short:
            await _change(1, delta, needs=needs)
        assert (short.value.balance, short.value.amount) == expected
    assert await _change(1, 5, needs=10) == 15  # a stake of exactly the balance
    with pytest.raises(coins.InsufficientFunds) as nobody:  # a member without a row
        await _change(9, -5)
    assert (nobody.value.balance, nobody.value.amount) == (0, 5)
    assert not await GuildMember.filter(user_id=9).exists()  # rolled back with the refusal
    with pytest.raises(coins.AmountOutOfBounds) as stake:
        await _change(1, 1, needs=coins.COINS_MAX + 1)
    assert str(stake.value) == (f"the amount must be at most {coins.COINS_MAX}, "
                                f"not {coins.COINS_MAX + 1}")
    with pytest.raises(coins.InvalidAmount):
        await _change(1, 0)
    assert await coins.get_coins(1, G) == 15
    await _change(2, coins.COINS_MAX - 5)
    with pytest.raises(coins.BalanceTooHigh) as high:
        await _change(2, 6)
    assert (high.value.balance, high.value.amount) == (coins.COINS_MAX - 5, 6)
    assert await _change(2, 5) == coins.COINS_MAX  # the maximum itself fits
    assert await _change(2, -coins.COINS_MAX, needs=coins.COINS_MAX) == 0


async def _wait_for_lock() -> None:
    await eventually(_waiting_on_a_lock, timeout=60, message="the change did not wait")


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
@pytest.mark.parametrize(("start", "rival", "delta"), [
    (10, 20, -30),  # refused on the snapshot; the rival's deposit makes it exactly fit
    (coins.COINS_MAX, -10, 10),  # too high on the snapshot; exactly fits after the rival
])
async def test_a_refusal_is_rechecked_under_the_row_lock(
    guildhall_db: Any, guildhall_settings: Any, start: int, rival: int, delta: int,
) -> None:
    """PostgreSQL: the guarded UPDATE skips a row whose committed balance does not fit
    without waiting for another transaction's lock on it; the balance read under the
    lock then sees that transaction's commit, and the change is tried again."""
    await _change(1, start)
    url = urlsplit(guildhall_settings.database.url.get_secret_value())
    other = await asyncpg.connect(url._replace(scheme="postgresql").geturl())
    try:
        async with other.transaction():
            await other.execute("UPDATE guild_members SET coins = coins + $1 "
                                "WHERE guild_id = $2 AND user_id = 1", rival, G)
            change = asyncio.create_task(_change(1, delta))
            await _wait_for_lock()
            assert not change.done()
        assert await asyncio.wait_for(change, 60) == start + rival + delta
    finally:
        await other.close()
