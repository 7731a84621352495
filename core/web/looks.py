"""How a server and its members look on the dashboard: icons and avatars on Discord's CDN.

Only ``https://cdn.discordapp.com`` is used (the Content-Security-Policy allows it for
images and nothing else). Hashes come from Discord (a guild's ``icon``) or from the
``users`` table (``avatar``, written by the bot as it sees members); one that is not a
Discord hash is ignored, so nothing but a hash reaches a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.db.models import User

CDN = "https://cdn.discordapp.com"
_HASH = re.compile(r"^(a_)?[0-9a-f]{32}$")


def _hash(raw: object) -> str | None:
    text = str(raw or "")
    return text if _HASH.match(text) else None


def guild_icon_url(guild_id: int, icon: object, size: int = 64) -> str | None:
    """The server's icon, ``None`` when it has none."""
    found = _hash(icon)
    return f"{CDN}/icons/{guild_id}/{found}.png?size={size}" if found else None


def avatar_url(user_id: int, avatar: object, size: int = 64) -> str:
    """The user's avatar, or Discord's default avatar for the account."""
    found = _hash(avatar)
    if found:
        return f"{CDN}/avatars/{user_id}/{found}.png?size={size}"
    return f"{CDN}/embed/avatars/{(user_id >> 22) % 6}.png"


@dataclass(frozen=True)
class GuildLook:
    """A server as its pages show it: name and icon (``None``: the initials instead)."""

    id: int
    name: str
    icon_url: str | None

    @property
    def initials(self) -> str:
        """The first letters of the first words, as Discord shows a server without icon."""
        return "".join(word[:1] for word in self.name.split()[:3]) or "?"


def guild_look(guild_id: int, name: object, icon: object) -> GuildLook:
    """The look of a guild from Discord's answer (``Server <id>`` when it has no name)."""
    return GuildLook(guild_id, str(name or "") or f"Server {guild_id}",
                     guild_icon_url(guild_id, icon))


@dataclass(frozen=True)
class Face:
    """A member as a page shows them: display name and avatar address."""

    user_id: int
    name: str
    avatar_url: str


async def faces(user_ids: Iterable[int]) -> dict[int, Face]:
    """Display name and avatar of each user, from ``users`` in one query (no Discord call).

    A user the bot never saw gets their id as the name and a default avatar.
    """
    wanted = sorted(set(user_ids))
    rows = await User.filter(user_id__in=wanted).values_list(
        "user_id", "username", "display_name", "avatar") if wanted else []
    found = {int(user_id): Face(int(user_id), str(display or name or user_id),
                                avatar_url(int(user_id), avatar))
             for user_id, name, display, avatar in rows}
    return {user_id: found.get(user_id) or Face(user_id, str(user_id), avatar_url(user_id, None))
            for user_id in wanted}
