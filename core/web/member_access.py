"""A user's standing in a guild, read live with the bot's token.

The dashboard keeps no Discord token of its users: at login it reads who they are and
which servers they may manage, then forgets the token. Every admin request asks Discord
(bot token) for the guild's owner, its roles and the user's membership, reused for
``[web] permissions_cache_seconds``, so a removed Manage Server permission, a removed
role or a user who left stops dashboard access within that time.
"""

from __future__ import annotations

from core.plugins.contracts import Viewer
from core.web.context import WebContext
from core.web.discord_api import DiscordApiError, UserGuild

GONE = (403, 404)  # unknown guild or member: no standing there


async def live_standing(
    c: WebContext, guild_id: int, user_id: int
) -> tuple[UserGuild, Viewer] | None:
    """The guild as the user sees it and their standing there now (``None``: not a
    member). A Discord failure other than "unknown" raises :class:`DiscordApiError`."""
    ttl = c.settings.web.permissions_cache_seconds
    try:
        guild = await c.bot_get(f"/guilds/{guild_id}", ttl=ttl)
        roles = await c.bot_get(f"/guilds/{guild_id}/roles", ttl=ttl)
        member = await c.bot_get(f"/guilds/{guild_id}/members/{user_id}", ttl=ttl)
    except DiscordApiError as exc:
        if exc.status in GONE:
            return None
        raise
    by_id = {str(role["id"]): role for role in roles}
    mine = [by_id[str(r)] for r in member.get("roles", []) if str(r) in by_id]
    permissions = int(by_id.get(str(guild_id), {}).get("permissions") or 0)  # @everyone
    for role in mine:
        permissions |= int(role.get("permissions") or 0)
    owner = str(guild.get("owner_id")) == str(user_id)
    shown = UserGuild(guild_id, str(guild.get("name") or f"Server {guild_id}"), permissions,
                      owner, guild.get("icon"))
    names = frozenset(str(role.get("name") or "") for role in mine)
    return shown, Viewer(user_id, owner, permissions, names)

