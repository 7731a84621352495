"""The bank: the one way to move coins, for the economy's commands and for other plugins.

Every function that changes a balance runs ONE database transaction that updates
``guild_members.coins`` (through :mod:`core.services.coins`, with the guarded conditional
update) and inserts the matching ``transactions`` row, so for every member
``coins == sum(transactions) + sum(transactions_archive)`` at every commit.

Usage from another plugin::

    from plugins.economy import service as bank

    new_balance = await bank.deposit(user_id, guild_id, 50, "quest", "finished a quest")
    try:
        await bank.withdraw(user_id, guild_id, 20, "purchase", "ticket")
    except bank.InsufficientFunds as exc:
        ...  # exc.balance, exc.amount

Errors: :class:`InvalidAmount` (a ``ValueError``: not an int, zero, negative, beyond the
32-bit range, or a result beyond it: :class:`BalanceTooHigh`), :class:`InsufficientFunds`,
:class:`SelfTransfer`. After an error nothing was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from core.plugins.api import (
    COINS_MAX,
    BalanceTooHigh,
    CoinsError,
    GuildMember,
    InsufficientFunds,
    InvalidAmount,
    TextError,
    change_coins,
    get_coins,
    lock_members,
    run_atomic,
    validate_amount,
)
from plugins.economy.models import Transaction
from plugins.economy.texts import TEXTS
from plugins.economy.transfer_fast import try_transfer

__all__ = [
    "COINS_MAX",
    "BalanceTooHigh",
    "CoinsError",
    "InsufficientFunds",
    "AmountRefused",
    "InvalidAmount",
    "RichEntry",
    "SelfTransfer",
    "TransactionType",
    "apply",
    "balance",
    "can_spend",
    "change",
    "deposit",
    "history",
    "parse_amount",
    "richest",
    "transfer",
    "withdraw",
]

DESCRIPTION_MAX = 200
_NUMBER = re.compile(r"[+-]?\d{1,3}(?:[,_]\d{3})+|[+-]?\d+")


class TransactionType(StrEnum):
    """``transactions.transaction_type`` values written by the economy plugin."""

    DAILY = "daily"
    WORK = "work"
    GAMBLE = "gamble"
    TRANSFER = "transfer"
    PURCHASE = "purchase"
    REFUND = "refund"
    ADMIN = "admin"


class AmountRefused(TextError, InvalidAmount):
    """A typed amount that is not one: worded by ``amount.*`` of the economy's texts
    (English in ``str()``, the reader's language in a reply)."""

    owner = TEXTS


class SelfTransfer(AmountRefused):
    """A transfer whose sender and recipient are the same member (``transfer.self``)."""


@dataclass(frozen=True, slots=True)
class RichEntry:
    """One line of the richest list."""

    rank: int
    user_id: int
    coins: int


def parse_amount(text: str, *, balance: int | None = None) -> int:
    """A user-typed amount: ``250``, ``1,000``, ``1_000``, or ``all`` (needs ``balance``).

    Raises :class:`AmountRefused` (an :class:`InvalidAmount`) with a message fit for the user.
    """
    cleaned = text.strip().lower()
    if cleaned == "all" and balance is not None:
        if balance <= 0:
            raise AmountRefused("amount.nothing")
        return balance
    if not _NUMBER.fullmatch(cleaned):
        raise AmountRefused("amount.whole")
    value = int(cleaned.replace(",", "").replace("_", ""))
    if value == 0:
        raise AmountRefused("amount.zero")
    if value < 0:
        raise AmountRefused("amount.positive")
    if value > COINS_MAX:
        raise AmountRefused("amount.at_most", maximum=COINS_MAX)
    return value


def _description(text: str | None) -> str | None:
    if text is None:
        return None
    return text[:DESCRIPTION_MAX]


def _type(kind: str) -> str:
    value = str(kind).strip()
    if not value or len(value) > 32:
        raise ValueError(f"a transaction type must be 1-32 characters, not {kind!r}")
    return value


async def apply(
    conn: BaseDBAsyncClient,
    user_id: int,
    guild_id: int,
    delta: int,
    kind: str,
    description: str | None = None,
    *,
    needs: int = 0,
    username: str = "",
    now: datetime | None = None,
) -> int:
    """Change a balance and write its ledger row inside the caller's transaction ``conn``.

    For code that must check something in the same transaction (cooldowns); run it with
    :func:`core.services.coins.run_atomic`. Everyone else calls :func:`change`.
    """
    balance_after = await change_coins(
        conn, user_id, guild_id, delta, needs=needs, username=username
    )
    await Transaction.create(
        user_id=user_id,
        guild_id=guild_id,
        amount=delta,
        transaction_type=_type(kind),
        description=_description(description),
        created_at=now or datetime.now(UTC),
        using_db=conn,
    )
    return balance_after


async def change(
    user_id: int,
    guild_id: int,
    delta: int,
    kind: str,
    description: str | None = None,
    *,
    needs: int = 0,
    username: str = "",
) -> int:
    """Add ``delta`` (negative to take) to a balance with its ledger row; return the new one.

    ``needs``: the minimum balance required (beyond ``-delta``), e.g. a stake.
    """
    validate_amount(delta, allow_negative=True)
    _type(kind)

    async def work(conn: BaseDBAsyncClient) -> int:
        return await apply(
            conn, user_id, guild_id, delta, kind, description, needs=needs, username=username
        )

    return await run_atomic(work)


async def deposit(
    user_id: int, guild_id: int, amount: int, kind: str, description: str | None = None,
    *, username: str = "",
) -> int:
    """Give ``amount`` (> 0) coins; return the new balance."""
    validate_amount(amount)
    return await change(user_id, guild_id, amount, kind, description, username=username)


async def withdraw(
    user_id: int, guild_id: int, amount: int, kind: str, description: str | None = None,
    *, username: str = "",
) -> int:
    """Take ``amount`` (> 0) coins, never below zero; return the new balance."""
    validate_amount(amount)
    return await change(user_id, guild_id, -amount, kind, description, username=username)


async def transfer(
    guild_id: int,
    sender_id: int,
    recipient_id: int,
    amount: int,
    description: str | None = None,
    *,
    sender_name: str = "",
    recipient_name: str = "",
) -> tuple[int, int]:
    """Move ``amount`` from sender to recipient atomically; return both new balances.

    Between known members: one call of ``economy_transfer()`` on PostgreSQL (one round
    trip), one short transaction on SQLite (:mod:`plugins.economy.transfer_fast`); a
    refusal there raises at once. Otherwise one transaction: both rows locked in
    ``user_id`` order (created when missing), the guarded debit, then the credit, and two
    ``transfer`` ledger rows. If the credit cannot happen (the recipient's balance would
    overflow) the debit is rolled back too.
    """
    validate_amount(amount)
    if sender_id == recipient_id:
        raise SelfTransfer("transfer.self")
    note = f" ({description})" if description else ""
    descriptions = (_description(f"to <@{recipient_id}>{note}"),
                    _description(f"from <@{sender_id}>{note}"))
    moved = await try_transfer(guild_id, sender_id, recipient_id, amount,
                               TransactionType.TRANSFER, descriptions, datetime.now(UTC))
    if moved is not None:
        return moved

    async def work(conn: BaseDBAsyncClient) -> tuple[int, int]:
        now = datetime.now(UTC)
        await lock_members(conn, guild_id, [(sender_id, sender_name),
                                            (recipient_id, recipient_name)])
        sent = await apply(conn, sender_id, guild_id, -amount, TransactionType.TRANSFER,
                           f"to <@{recipient_id}>{note}", now=now)
        received = await apply(conn, recipient_id, guild_id, amount, TransactionType.TRANSFER,
                               f"from <@{sender_id}>{note}", now=now)
        return sent, received

    return await run_atomic(work)


async def balance(user_id: int, guild_id: int) -> int:
    """The member's balance (0 for a member never seen)."""
    return await get_coins(user_id, guild_id)


async def can_spend(user_id: int, guild_id: int, amount: int) -> bool:
    """Whether the balance covers ``amount`` right now (a hint: withdraw decides)."""
    validate_amount(amount)
    return await balance(user_id, guild_id) >= amount


async def history(user_id: int, guild_id: int, limit: int = 20) -> list[Transaction]:
    """The member's latest hot transactions, newest first (archived ones are not shown)."""
    return (
        await Transaction.filter(user_id=user_id, guild_id=guild_id)
        .order_by("-created_at", "-id")
        .limit(max(1, min(limit, 100)))
    )


async def richest(guild_id: int, page: int = 1, per_page: int = 10) -> tuple[list[RichEntry], int]:
    """One page of the guild's members with coins, richest first, and the page count."""
    base = GuildMember.filter(guild_id=guild_id, coins__gt=0)
    total = await base.count()
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    rows = (
        await base.order_by("-coins", "user_id")
        .offset((page - 1) * per_page)
        .limit(per_page)
        .values_list("user_id", "coins")
    )
    start = (page - 1) * per_page
    return [RichEntry(start + i + 1, uid, coins) for i, (uid, coins) in enumerate(rows)], pages


async def top_balances(guild_id: int, limit: int = 10) -> list[RichEntry]:
    """The guild's ``limit`` richest members, without counting them all (dashboard)."""
    rows = await (
        GuildMember.filter(guild_id=guild_id, coins__gt=0)
        .order_by("-coins", "user_id").limit(limit).values_list("user_id", "coins")
    )
    return [RichEntry(i + 1, uid, coins) for i, (uid, coins) in enumerate(rows)]
