"""The append-only moderation log: cases with per-guild sequential numbers, amendments.

A case number is ``MAX(case_number) + 1`` of the guild, read and inserted in one
transaction. On PostgreSQL a transaction-scoped advisory lock per guild serialises the
writers of one guild (SQLite has a single writer anyway); the unique
``(guild_id, case_number)`` index is the backstop: a duplicate raises IntegrityError and
the insert is retried. Nothing here updates or deletes:
database triggers would refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Max
from tortoise.transactions import in_transaction

from plugins.moderation.models import ModAction, ModActionAmendment

CONNECTION = "default"
CASE_RETRIES = 8
# Two-int advisory key space: never collides with single-bigint locks (migrations).
GUILD_LOCK = "SELECT pg_advisory_xact_lock(hashtext('guildhall.mod_actions'), $1)"


async def record_action(
    guild_id: int, moderator_id: int, target_id: int, action_type: str,
    reason: str | None = None, duration: int | None = None,
) -> ModAction:
    """Append one action with the guild's next case number and return it."""
    for attempt in range(CASE_RETRIES):
        try:
            async with in_transaction(CONNECTION) as conn:
                if conn.capabilities.dialect == "postgres":
                    await conn.execute_query(GUILD_LOCK, [guild_id % 2**31])
                rows = (
                    await ModAction.filter(guild_id=guild_id)
                    .using_db(conn)
                    .annotate(top=Max("case_number"))
                    .values_list("top", flat=True)
                )
                number = (rows[0] or 0) + 1 if rows else 1
                return await ModAction.create(
                    guild_id=guild_id, moderator_id=moderator_id, target_id=target_id,
                    action_type=action_type, reason=reason, duration=duration,
                    case_number=number, using_db=conn,
                )
        except IntegrityError:
            if attempt == CASE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def get_case(guild_id: int, number: int) -> ModAction | None:
    """The guild's case ``number`` (another guild's case is never returned)."""
    return await ModAction.get_or_none(guild_id=guild_id, case_number=number)


async def amend(guild_id: int, number: int, moderator_id: int, reason: str) -> bool:
    """Append an amended reason to case ``number``; ``False`` if the guild has no such case."""
    if await get_case(guild_id, number) is None:
        return False
    await ModActionAmendment.create(
        guild_id=guild_id, case_number=number, moderator_id=moderator_id, reason=reason
    )
    return True


async def amendments(guild_id: int, number: int) -> list[ModActionAmendment]:
    """The case's amendments, oldest first."""
    return await ModActionAmendment.filter(guild_id=guild_id, case_number=number).order_by("id")


async def current_reason(action: ModAction) -> str | None:
    """The latest amended reason of a case, else its original reason."""
    latest = (
        await ModActionAmendment.filter(
            guild_id=action.guild_id, case_number=action.case_number
        ).order_by("-id").first()
    )
    return latest.reason if latest is not None else action.reason


async def history(
    guild_id: int, target_id: int | None, page: int, per_page: int = 10
) -> tuple[list[ModAction], int]:
    """One page (1-based) of the guild's log, newest first, and the total count."""
    query = ModAction.filter(guild_id=guild_id)
    if target_id is not None:
        query = query.filter(target_id=target_id)
    total = await query.count()
    rows = await query.order_by("-id").offset((page - 1) * per_page).limit(per_page)
    return rows, total


@dataclass(frozen=True, slots=True)
class ModStats:
    """The seed's two 30-day queries: actions per moderator and per action type."""

    moderators: list[tuple[int, int]]
    actions: list[tuple[str, int]]


async def modstats(guild_id: int, days: int = 30, now: datetime | None = None) -> ModStats:
    """Most active moderators and the action distribution over the last ``days`` days."""
    since = (now or datetime.now(UTC)) - timedelta(days=days)
    base = ModAction.filter(guild_id=guild_id, created_at__gte=since)
    moderators = (
        await base.annotate(n=Count("id")).group_by("moderator_id")
        .order_by("-n", "moderator_id").limit(10).values_list("moderator_id", "n")
    )
    actions = (
        await base.annotate(n=Count("id")).group_by("action_type")
        .order_by("-n", "action_type").values_list("action_type", "n")
    )
    return ModStats(
        [(int(m), int(n)) for m, n in moderators], [(str(a), int(n)) for a, n in actions]
    )
