"""Reading reminder times: relative (``10m``, ``1h30m``, ``in 3 hours``, ``2d``) and absolute
(``2026-12-01 09:00``, ``tomorrow 9am``, ``today 17:30``, ``9pm``) in the user's time zone.

Relative times are elapsed time (``2d`` is 48 hours, whatever the clocks do). Absolute times
are wall-clock times in the user's zone: an ambiguous time (clocks going back) means its
first occurrence; a time that does not exist (clocks going forward) is read with the offset
before the change, so it lands just after the gap. Every function returns aware UTC times
and raises :class:`TimeParseError` with a readable message on bad input; nothing here
formats user text into anything but that message.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.plugins.api import TextError
from plugins.reminders.texts import TEXTS

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_UNITS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_PART = re.compile(rf"(\d{{1,7}})\s*({_UNIT_RE})(?![a-z])")
_SEPARATORS = re.compile(r"(?:\s|,|\band\b)*")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](.+))?$")
MAX_INPUT = 64
DEFAULT_CLOCK = time(9, 0)  # "tomorrow" and a bare date mean 09:00
MAX_TIMEZONE_NAME = 64


class TimeParseError(TextError, ValueError):
    """The text is not a time we understand, or the time zone is unknown (``time.*`` of
    the plugin's texts: English in ``str()``, the reader's language in a reply)."""

    owner = TEXTS


def load_timezone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Paris``, ``UTC``); :class:`TimeParseError` if unknown."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_TIMEZONE_NAME:
        raise TimeParseError("time.zone_length")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeParseError("time.zone_unknown") from None


def parse_duration(text: str) -> int:
    """Seconds in ``1h30m``, ``3 hours``, ``2d 4h``, ``1 hour and 5 minutes`` (``in`` allowed).

    Raises :class:`TimeParseError` when the text is not only such parts.
    """
    cleaned = text.strip().lower()
    if cleaned.startswith("in "):
        cleaned = cleaned[3:].strip()
    position, total, parts = 0, 0, 0
    while position < len(cleaned):
        position = _SEPARATORS.match(cleaned, position).end()  # type: ignore[union-attr]
        if position >= len(cleaned):
            break
        match = _PART.match(cleaned, position)
        if match is None:
            raise TimeParseError("time.not_duration")
        total += int(match.group(1)) * UNIT_SECONDS[_UNITS[match.group(2)]]
        parts += 1
        position = match.end()
    if parts == 0:
        raise TimeParseError("time.not_duration")
    return total


def _clock(text: str) -> time:
    match = _CLOCK.match(text.strip())
    if match is None:
        raise TimeParseError("time.not_clock")
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise TimeParseError("time.meridiem")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise TimeParseError("time.bad_clock")
    return time(hour, minute)


def to_utc(day: date, clock: time, zone: tzinfo) -> datetime:
    """The UTC instant of wall-clock ``day clock`` in ``zone`` (see the module notes)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def _absolute(text: str, now: datetime, zone: tzinfo) -> datetime:
    local_today = now.astimezone(zone).date()
    dated = _DATE.match(text)
    if dated is not None:
        try:
            day = date(int(dated.group(1)), int(dated.group(2)), int(dated.group(3)))
        except ValueError:
            raise TimeParseError("time.no_date") from None
        clock = _clock(dated.group(4)) if dated.group(4) else DEFAULT_CLOCK
        return to_utc(day, clock, zone)
    word, _, rest = text.partition(" ")
    if word in ("today", "tomorrow"):
        day = local_today + timedelta(days=1 if word == "tomorrow" else 0)
        return to_utc(day, _clock(rest) if rest.strip() else DEFAULT_CLOCK, zone)
    clock = _clock(text)  # a bare time: the next time the clock shows it
    when = to_utc(local_today, clock, zone)
    if when <= now:
        when = to_utc(local_today + timedelta(days=1), clock, zone)
    return when


def parse_when(text: str, now: datetime, zone: tzinfo) -> datetime:
    """When ``text`` falls, as aware UTC; relative from ``now``, absolute in ``zone``.

    Raises :class:`TimeParseError` for text that is neither; range checks (past, too far)
    are the caller's.
    """
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned or len(cleaned) > MAX_INPUT:
        raise TimeParseError("time.length", maximum=MAX_INPUT)
    try:
        seconds = parse_duration(cleaned)
    except TimeParseError:
        pass
    else:
        if seconds > 100 * 365 * 86_400:
            raise TimeParseError("time.too_far")
        return now.astimezone(UTC) + timedelta(seconds=seconds)
    try:
        return _absolute(cleaned, now, zone)
    except TimeParseError as exc:
        raise TimeParseError("time.unreadable", reason=exc) from None
    except OverflowError:
        raise TimeParseError("time.out_of_range") from None


def parse_repeat(text: str) -> int:
    """Seconds between repeats from ``every 1d``, ``1d``, ``12 hours``."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned.startswith("every "):
        cleaned = cleaned[6:]
    if not cleaned or len(cleaned) > MAX_INPUT:
        raise TimeParseError("time.repeat")
    try:
        return parse_duration(cleaned)
    except TimeParseError:
        raise TimeParseError("time.repeat") from None


def format_duration(seconds: float) -> str:
    """``90061`` -> ``1d 1h 1m``; under a minute -> ``42s`` (largest three units)."""
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole}s"
    parts = []
    for unit in ("w", "d", "h", "m"):
        size = UNIT_SECONDS[unit]
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return " ".join(parts[:3])
