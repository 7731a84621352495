"""Moderation's retention policies and integrity check.

Warnings: set inactive after ``[maintenance] warning_expire_days`` (daily) and
hard-deleted after ``warning_delete_days`` (weekly). The seed contradicts itself (delete
at 365 days, or archive at 365 and delete at 730); guildhall deletes at
``warning_delete_days`` (default 365, the seed's retention policy and weekly task) and
keeps no warnings archive: the permanent record is ``mod_actions``, which is NEVER
deleted or archived by maintenance. Operators wanting 730 days set the key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.plugins.api import (
    PROBLEM_LIMIT,
    IntegrityCheck,
    RetentionKind,
    RetentionPolicy,
    Schedule,
    Settings,
    limit_problems,
)
from plugins.moderation.models import TempPunishment, Warning

OVERDUE_GRACE = timedelta(minutes=5)


def retention_policies(settings: Settings) -> list[RetentionPolicy]:
    """Expire old warnings (daily), delete very old ones (weekly)."""
    days = settings.maintenance
    return [
        RetentionPolicy(
            name="moderation.warnings.expire",
            kind=RetentionKind.EXPIRE,
            model=Warning,
            schedule=Schedule.DAILY,
            older_than=timedelta(days=days.warning_expire_days),
            extra_filter={"active": True},
            set_values={"active": False},
        ),
        RetentionPolicy(
            name="moderation.warnings.delete",
            kind=RetentionKind.DELETE,
            model=Warning,
            schedule=Schedule.WEEKLY,
            older_than=timedelta(days=days.warning_delete_days),
        ),
    ]


async def overdue_punishments() -> list[str]:
    """Temp punishments past ``expires_at`` by more than 5 minutes and not failed."""
    now = datetime.now(UTC)
    rows = (
        await TempPunishment.filter(expires_at__lt=now - OVERDUE_GRACE, failed_at__isnull=True)
        .order_by("expires_at", "id")
        .limit(PROBLEM_LIMIT + 1)
    )
    return limit_problems(
        [
            f"temp_punishments id {row.id}: {row.punishment_type} of user {row.user_id} in "
            f"guild {row.guild_id} expired at {row.expires_at.isoformat()} and is still in "
            f"force ({int((now - row.expires_at).total_seconds() // 60)} min overdue, "
            f"{row.attempts} attempt(s))"
            for row in rows
        ]
    )


def integrity_checks() -> list[IntegrityCheck]:
    """Moderation's checks."""
    return [IntegrityCheck("moderation.overdue_punishments", overdue_punishments)]
