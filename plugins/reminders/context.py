"""Whether a due reminder still belongs where it was set, checked just before delivery.

A reminder set in a guild is posted there only while the guild still has the reminders
plugin switched on, the bot is still in the guild and the author is still a member. The
check needs no member cache: the author is fetched through the bot's REST client on
demand (a ban lookup follows only when the author is gone). The answer for one author in
one guild is reused for ``MEMBER_TTL_SECONDS`` and fetched once for concurrent callers, so
a burst of one author's reminders costs one request. Rows without a guild (seed rows) are
not checked.
"""

from __future__ import annotations

from enum import StrEnum

import disnake

from core.plugins.api import BotLike, TtlCache, plugin_switches

PLUGIN = "reminders"
UNKNOWN_GUILD = 10004
MEMBER_TTL_SECONDS = 60.0
CACHE_SIZE = 10_000
MEMBER = "member"


class DropReason(StrEnum):
    """Why a due reminder is finished without being delivered (``dropped_reason``)."""

    PLUGIN_DISABLED = "plugin_disabled"
    GUILD_GONE = "guild_gone"
    AUTHOR_LEFT = "author_left"
    AUTHOR_BANNED = "author_banned"


class ReminderContext:
    """The delivery-time check, bound to one bot's REST client."""

    def __init__(self, bot: BotLike, member_ttl: float = MEMBER_TTL_SECONDS) -> None:
        self.bot = bot
        self._standing: TtlCache[tuple[int, int], str] = TtlCache(CACHE_SIZE, member_ttl)

    async def drop_reason(self, guild_id: int | None, user_id: int) -> DropReason | None:
        """``None`` when the reminder may be delivered, else why not.

        Raises on errors that may pass (5xx, network) so the scheduler retries.
        """
        if guild_id is None:
            return None
        if not await plugin_switches.is_enabled(guild_id, PLUGIN):
            return DropReason.PLUGIN_DISABLED
        standing = await self._standing.get(
            (guild_id, user_id), lambda: self._fetch_standing(guild_id, user_id)
        )
        return None if standing == MEMBER else DropReason(standing)

    async def _fetch_standing(self, guild_id: int, user_id: int) -> str:
        """``MEMBER`` or the :class:`DropReason` value, from Discord."""
        try:
            await self.bot.http.get_member(guild_id, user_id)
            return MEMBER
        except disnake.Forbidden:
            return DropReason.GUILD_GONE  # 50001 Missing Access: the bot is not in it
        except disnake.NotFound as exc:
            if exc.code == UNKNOWN_GUILD:
                return DropReason.GUILD_GONE
        return await self._why_not_a_member(guild_id, user_id)

    async def _why_not_a_member(self, guild_id: int, user_id: int) -> str:
        """Banned when the guild's ban list says so; left otherwise (also when the bot may
        not read bans: without Ban Members the two cannot be told apart)."""
        try:
            await self.bot.http.get_ban(user_id, guild_id)
        except (disnake.NotFound, disnake.Forbidden):
            return DropReason.AUTHOR_LEFT
        return DropReason.AUTHOR_BANNED
