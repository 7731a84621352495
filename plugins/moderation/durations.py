"""Strict parsing of durations such as ``10m``, ``1h30m``, ``7d`` and ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta

from plugins.moderation.texts import Explained

UNITS = {"w": 7 * 86_400, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_ORDER = "wdhms"
_PART = re.compile(r"(\d{1,6})([wdhms])")


class DurationError(Explained, ValueError):
    """A duration that is malformed or out of bounds; the message is shown to the user."""


def parse_duration(text: str, maximum: timedelta) -> timedelta:
    """Parse ``text`` (units w, d, h, m, s, largest first, each at most once).

    Raises :class:`DurationError` when the text is malformed, zero, or above ``maximum``.
    """
    compact = text.strip().lower()
    parts = _PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise DurationError("duration.malformed", text=_shown(text))
    units = [u for _, u in parts]
    if len(set(units)) != len(units) or units != sorted(units, key=_ORDER.index):
        raise DurationError("duration.unit_order", text=_shown(text))
    total = timedelta(seconds=sum(int(n) * UNITS[u] for n, u in parts))
    if total <= timedelta(0):
        raise DurationError("duration.zero")
    if total > maximum:
        raise DurationError("duration.too_long", text=_shown(text),
                            maximum=format_duration(maximum))
    return total


def format_duration(value: timedelta) -> str:
    """``timedelta(hours=1, minutes=30)`` -> ``"1h30m"``."""
    seconds = int(value.total_seconds())
    out = []
    for unit in _ORDER:
        count, seconds = divmod(seconds, UNITS[unit])
        if count:
            out.append(f"{count}{unit}")
    return "".join(out) or "0s"


def _shown(text: str) -> str:
    """User text echoed back: short and without backticks or mentions."""
    return text.replace("`", "'").replace("@", "@\u200b")[:40]
