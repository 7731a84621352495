"""Discord markup as a person reads it: ``<@id>`` -> ``@alice``, ``<t:1700000000:f>`` -> a date.

Discord clients replace mentions with names and timestamps with dates in the reader's
time zone; the sandbox does the same for its transcript (in this machine's time zone).
Unknown ids stay readable (``@unknown-user``) instead of showing raw snowflakes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from core.testing.double.state import Guild, World

MENTION = re.compile(r"<(@!?|@&|#)(\d{1,20})>")
TIMESTAMP = re.compile(r"<t:(-?\d{1,13})(?::([tTdDfFR]))?>")
COMMAND = re.compile(r"</([\w -]{1,100}):\d{1,20}>")
EMOJI = re.compile(r"<a?:(\w{1,32}):\d{1,20}>")
STYLES = {  # Discord's timestamp styles (en-US client)
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
}
UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
         ("minute", 60), ("second", 1))


@dataclass(frozen=True)
class Names:
    """Who and what the ids of one guild are called."""

    users: dict[int, str]
    roles: dict[int, str]
    channels: dict[int, str]

    @classmethod
    def of(cls, world: World, guild: Guild | None) -> Names:
        """Display names in ``guild`` (nickname, global name, username), then every user."""
        users = {u.id: u.global_name or u.username for u in world.users.values()}
        roles: dict[int, str] = {}
        if guild is not None:
            for member in guild.members.values():
                users[member.user.id] = member.nick or users.get(member.user.id) or \
                    member.user.username
            roles = {r.id: r.name for r in guild.roles.values()}
        channels = {c.id: c.name for c in world.channels.values() if c.name}
        return cls(users, roles, channels)


def relative(seconds: float) -> str:
    """``in 3 minutes`` / ``2 hours ago`` / ``now``, like Discord's ``R`` style."""
    size = abs(seconds)
    for unit, length in UNITS:
        if size >= length:
            count = int(size // length)
            text = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"in {text}" if seconds > 0 else f"{text} ago"
    return "now"


def timestamp(unix: int, style: str | None, now: float) -> str:
    """A ``<t:unix:style>`` as Discord shows it (``f`` when no style is given)."""
    if style == "R":
        return relative(unix - now)
    try:
        when = datetime.fromtimestamp(unix, UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return f"<t:{unix}>"
    return when.strftime(STYLES[style or "f"])


def humanize(text: str, names: Names, now: Callable[[], float]) -> str:
    """``text`` with mentions, timestamps, command mentions and custom emojis rendered."""

    def mention(match: re.Match[str]) -> str:
        kind, ident = match.group(1), int(match.group(2))
        if kind == "#":
            return f"#{names.channels.get(ident, 'unknown-channel')}"
        if kind == "@&":
            return f"@{names.roles.get(ident, 'unknown-role')}"
        return f"@{names.users.get(ident, 'unknown-user')}"

    moment = now()
    text = MENTION.sub(mention, text)
    text = TIMESTAMP.sub(lambda m: timestamp(int(m.group(1)), m.group(2), moment), text)
    text = COMMAND.sub(lambda m: f"/{m.group(1)}", text)
    return EMOJI.sub(lambda m: f":{m.group(1)}:", text)
