"""Reminder logic other code may call: create, list, cancel, time zones, next occurrence.

``active_in_guild``/``cancel_in_guild`` serve moderators: they see and cancel only the
reminders a member set in the moderator's guild.

Every check raises :class:`ReminderError` with the message the user sees, before anything
is written. Callers that insert a row here get it committed and the leader woken
(:func:`core.coordination.wakeups.notify_created`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.plugins.api import Speaker, TextError, wakeups
from plugins.reminders.models import Reminder, UserTimezone
from plugins.reminders.parsing import (
    TimeParseError,
    format_duration,
    load_timezone,
    parse_repeat,
    parse_when,
)
from plugins.reminders.settings import RemindersSettings
from plugins.reminders.texts import TEXTS

MAX_TEXT = 1500
MAX_AHEAD = timedelta(days=5 * 365)
MAX_REPEAT_SECONDS = 365 * 86_400
DEFAULT_ZONE = "UTC"


class ReminderError(TextError, ValueError):
    """A request that cannot be honoured; the message (``refused.*`` or ``time.*`` of the
    plugin's texts) is for the user, in their language."""

    owner = TEXTS


@dataclass(frozen=True, slots=True)
class NewReminder:
    """What ``/remind`` asks for, before it is checked."""

    user_id: int
    channel_id: int
    guild_id: int | None
    when: str
    text: str
    every: str | None = None
    jump_url: str | None = None


def utcnow() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


async def timezone_name(user_id: int) -> str:
    """The user's time zone name (``UTC`` when never set)."""
    row = await UserTimezone.get_or_none(user_id=user_id)
    return row.timezone if row is not None else DEFAULT_ZONE


async def set_timezone(user_id: int, name: str) -> str:
    """Store the user's IANA zone; return its canonical name. Raises :class:`ReminderError`."""
    try:
        zone = load_timezone(name)
    except TimeParseError as exc:
        raise ReminderError(exc.key, **exc.values) from None
    await UserTimezone.update_or_create(defaults={"timezone": zone.key}, user_id=user_id)
    return zone.key


def check_text(text: str) -> str:
    """The stripped reminder text, or :class:`ReminderError` when empty or too long."""
    cleaned = text.strip()
    if not cleaned:
        raise ReminderError("refused.empty")
    if len(cleaned) > MAX_TEXT:
        raise ReminderError("refused.too_long", length=len(cleaned), maximum=MAX_TEXT)
    return cleaned


def check_repeat(every: str | None, settings: RemindersSettings) -> int | None:
    """Seconds between repeats (``None`` for a one-off), bounded by the settings."""
    if every is None or not every.strip():
        return None
    try:
        seconds = parse_repeat(every)
    except TimeParseError as exc:
        raise ReminderError(exc.key, **exc.values) from None
    if seconds < settings.min_repeat_seconds:
        raise ReminderError("refused.repeat_often",
                            interval=format_duration(settings.min_repeat_seconds))
    if seconds > MAX_REPEAT_SECONDS:
        raise ReminderError("refused.repeat_rare")
    return seconds


async def resolve_when(user_id: int, when: str, now: datetime) -> datetime:
    """When ``when`` falls for this user (their zone), checked: not past, at most 5 years."""
    zone = ZoneInfo(await timezone_name(user_id))
    try:
        at = parse_when(when, now, zone)
    except TimeParseError as exc:
        raise ReminderError(exc.key, **exc.values) from None
    if at <= now:
        raise ReminderError("refused.past", zone=zone.key)
    if at - now > MAX_AHEAD:
        raise ReminderError("refused.too_far")
    return at


async def create(
    request: NewReminder, settings: RemindersSettings, now: datetime | None = None
) -> Reminder:
    """Check and store a reminder, then wake the leader. Raises :class:`ReminderError`."""
    now = now or utcnow()
    text = check_text(request.text)
    repeat = check_repeat(request.every, settings)
    at = await resolve_when(request.user_id, request.when, now)
    count = await Reminder.filter(
        user_id=request.user_id, completed=False, failed_at=None
    ).count()
    if count >= settings.max_active_per_user:
        raise ReminderError("refused.limit", count=count, limit=settings.max_active_per_user)
    row = await Reminder.create(
        user_id=request.user_id, channel_id=request.channel_id, guild_id=request.guild_id,
        message=text, remind_at=at, repeat_seconds=repeat, jump_url=request.jump_url,
    )
    await wakeups.notify_created(at)
    return row


async def set_jump_url(reminder_id: int, url: str) -> None:
    """Point the reminder at the message that confirmed it (best effort, after creation)."""
    await Reminder.filter(id=reminder_id).update(jump_url=url[:200])


async def active(user_id: int) -> list[Reminder]:
    """The user's reminders still waiting (failed ones excluded), soonest first."""
    return await Reminder.filter(user_id=user_id, completed=False, failed_at=None).order_by(
        "remind_at", "id"
    )


async def cancel(user_id: int, reminder_id: int) -> Reminder:
    """Delete one of the user's active reminders; :class:`ReminderError` if not theirs."""
    row = await Reminder.get_or_none(id=reminder_id, user_id=user_id, completed=False)
    if row is None:
        raise ReminderError("refused.unknown", id=str(reminder_id))
    await Reminder.filter(id=row.id).delete()
    return row


async def active_in_guild(guild_id: int, user_id: int) -> list[Reminder]:
    """The user's reminders set in ``guild_id`` still waiting, soonest first."""
    return await Reminder.filter(
        guild_id=guild_id, user_id=user_id, completed=False, failed_at=None
    ).order_by("remind_at", "id")


async def cancel_in_guild(
    guild_id: int, user_id: int, reminder_id: int | None = None
) -> list[Reminder]:
    """Delete one (``reminder_id``) or all of the user's active reminders set in
    ``guild_id``; return them. :class:`ReminderError` when there is none to cancel."""
    rows = Reminder.filter(guild_id=guild_id, user_id=user_id, completed=False)
    if reminder_id is not None:
        rows = rows.filter(id=reminder_id)
    found = await rows.order_by("remind_at", "id")
    if not found:
        if reminder_id is None:
            raise ReminderError("refused.member_none")
        raise ReminderError("refused.member_unknown", id=str(reminder_id))
    await Reminder.filter(id__in=[row.id for row in found]).delete()
    return found


def next_occurrence(remind_at: datetime, every_seconds: int, now: datetime) -> datetime:
    """The first ``remind_at + k * every`` after ``now`` (k >= 1): missed ones are skipped."""
    step = timedelta(seconds=every_seconds)
    if remind_at + step > now:
        return remind_at + step
    skipped = int((now - remind_at) / step)
    return remind_at + step * (skipped + 1)


def delivery_text(
    row: Reminder, now: datetime, late_notice_seconds: float, t: Speaker | None = None
) -> str:
    """The delivered message: mention, text, where it was set, and lateness when late; in
    ``t``'s locale (English without one)."""
    t = t or TEXTS.english()
    lines = [t("delivery.reminder", user=f"<@{row.user_id}>", text=row.message)]
    late = (now - row.remind_at).total_seconds()
    if late > late_notice_seconds:
        lines.append(t("delivery.late", late=format_duration(late)))
    if row.jump_url:
        lines.append(t("delivery.set_here", url=row.jump_url))
    if row.repeat_seconds:
        lines.append(t("delivery.repeats", every=format_duration(row.repeat_seconds),
                       id=str(row.id)))
    return "\n".join(lines)
