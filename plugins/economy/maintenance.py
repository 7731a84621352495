"""Economy's retention policy (archive old transactions) and balance integrity check.

Invariant: every member's ``guild_members.coins`` equals the sum of their transactions,
hot plus archived. Archiving moves rows in one transaction per batch, so the sum over
both tables never changes. The check covers EVERY member: a member with coins but no
transactions is a mismatch (coins must come from a transaction; importers write an
opening-balance transaction). Transactions of a (user, guild) with no member row and a
non-zero sum are reported too.
"""

from __future__ import annotations

from datetime import timedelta

from core.plugins.api import (
    IntegrityCheck,
    RetentionKind,
    RetentionPolicy,
    Schedule,
    Settings,
    fetch_limited,
    limit_problems,
)
from plugins.economy.models import Transaction, TransactionArchive

_SUMS = (
    'SELECT "user_id", "guild_id", SUM("amount") AS "total" FROM ('
    'SELECT "user_id", "guild_id", "amount" FROM "transactions" '
    'UNION ALL SELECT "user_id", "guild_id", "amount" FROM "transactions_archive"'
    ') moves GROUP BY "user_id", "guild_id"'
)


def retention_policies(settings: Settings) -> list[RetentionPolicy]:
    """Archive transactions older than ``transaction_archive_days`` (daily)."""
    return [
        RetentionPolicy(
            name="economy.transactions.archive",
            kind=RetentionKind.ARCHIVE,
            model=Transaction,
            schedule=Schedule.DAILY,
            older_than=timedelta(days=settings.maintenance.transaction_archive_days),
            archive_model=TransactionArchive,
        )
    ]


async def balance_mismatches() -> list[str]:
    """Members whose coins differ from the sum of their hot + archived transactions."""
    members = await fetch_limited(
        'SELECT gm."user_id", gm."guild_id", gm."coins", '  # noqa: S608
        'COALESCE(s."total", 0) AS "expected" '
        f'FROM "guild_members" gm LEFT JOIN ({_SUMS}) s '
        'ON s."user_id" = gm."user_id" AND s."guild_id" = gm."guild_id" '
        'WHERE gm."coins" <> COALESCE(s."total", 0) ORDER BY gm."guild_id", gm."user_id"'
    )
    strays = await fetch_limited(
        f'SELECT s."user_id", s."guild_id", s."total" FROM ({_SUMS}) s '  # noqa: S608
        'LEFT JOIN "guild_members" gm '
        'ON s."user_id" = gm."user_id" AND s."guild_id" = gm."guild_id" '
        'WHERE gm."id" IS NULL AND s."total" <> 0 ORDER BY s."guild_id", s."user_id"'
    )
    lines = [
        f"user {r['user_id']} guild {r['guild_id']}: expected {int(r['expected'])} "
        f"(sum of transactions + archive), actual coins {r['coins']}"
        for r in members
    ]
    lines += [
        f"user {r['user_id']} guild {r['guild_id']}: transactions sum {int(r['total'])} "
        "but no guild_members row"
        for r in strays
    ]
    return limit_problems(lines)


def integrity_checks() -> list[IntegrityCheck]:
    """Economy's checks."""
    return [IntegrityCheck("economy.balances", balance_mismatches)]
