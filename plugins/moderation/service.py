"""Moderation data other code may call: warnings, pardons, temp punishments.

Every change that is a moderation action also appends a ``mod_actions`` case
(:mod:`plugins.moderation.cases`). Temp punishments are scheduler timer rows
(:mod:`plugins.moderation.timers`): one row per (user, guild, type); re-issuing replaces
the expiry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.plugins.api import wakeups
from plugins.moderation import cases
from plugins.moderation.models import ModAction, TempPunishment, Warning

BAN, MUTE, MUTE_ROLE = "ban", "mute", "mute_role"


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


async def add_warning(
    guild_id: int, user_id: int, moderator_id: int, reason: str, expiry_days: int
) -> tuple[Warning, ModAction]:
    """Warn a member: an active warning expiring in ``expiry_days`` and its case."""
    expires = utcnow() + timedelta(days=expiry_days)
    warning = await Warning.create(
        guild_id=guild_id, user_id=user_id, moderator_id=moderator_id, reason=reason,
        expires_at=expires,
    )
    await wakeups.notify_created(expires)
    action = await cases.record_action(guild_id, moderator_id, user_id, "warn", reason)
    return warning, action


async def active_warnings(guild_id: int, user_id: int) -> list[Warning]:
    """The member's active warnings in this guild, oldest first."""
    return await Warning.filter(guild_id=guild_id, user_id=user_id, active=True).order_by("id")


async def count_active_warnings(guild_id: int, user_id: int) -> int:
    """How many active warnings the member has in this guild."""
    return await Warning.filter(guild_id=guild_id, user_id=user_id, active=True).count()


async def pardon(
    guild_id: int, warning_id: int, moderator_id: int
) -> tuple[Warning, ModAction] | None:
    """Deactivate one active warning of this guild; ``None`` if there is none with that id."""
    changed = await Warning.filter(id=warning_id, guild_id=guild_id, active=True).update(
        active=False
    )
    if not changed:
        return None
    warning = await Warning.get(id=warning_id)
    action = await cases.record_action(
        guild_id, moderator_id, warning.user_id, "pardon", f"warning #{warning_id}"
    )
    return warning, action


async def set_temp_punishment(
    guild_id: int, user_id: int, kind: str, expires_at: datetime
) -> TempPunishment:
    """Insert or replace the (user, guild, kind) temp punishment's expiry; wake the leader.

    A replaced row loses any claim, retry state and failure, so a handler in flight
    cannot delete it and the new expiry is honoured.
    """
    values = {
        "expires_at": expires_at, "attempts": 0, "next_attempt_at": None,
        "claimed_epoch": None, "claimed_until": None, "last_error": None, "failed_at": None,
    }
    for _ in range(3):
        try:
            async with in_transaction(cases.CONNECTION) as conn:
                key = {"guild_id": guild_id, "user_id": user_id, "punishment_type": kind}
                changed = await TempPunishment.filter(**key).using_db(conn).update(**values)
                if not changed:
                    await TempPunishment.create(**key, expires_at=expires_at, using_db=conn)
            break
        except IntegrityError:
            continue
    await wakeups.notify_created(expires_at)
    return await TempPunishment.get(guild_id=guild_id, user_id=user_id, punishment_type=kind)


async def clear_temp_punishment(guild_id: int, user_id: int, kind: str) -> bool:
    """Remove the temp punishment (lifted early by a moderator); ``True`` if there was one."""
    return bool(
        await TempPunishment.filter(
            guild_id=guild_id, user_id=user_id, punishment_type=kind
        ).delete()
    )


async def running_mute(guild_id: int, user_id: int) -> TempPunishment | None:
    """The member's role mute that is still running (re-applied on rejoin)."""
    return await TempPunishment.filter(
        guild_id=guild_id, user_id=user_id, punishment_type=MUTE_ROLE, expires_at__gt=utcnow()
    ).first()
