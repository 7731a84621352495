"""A user's standing in a guild, read live with the bot's token.

The dashboard keeps no Discord token of its users: at login it reads who they are and
which servers they may manage, then forgets the token. Every admin request asks Discord
(bot token) for the guild's owner, its roles and the user's membership, reused for
``[web] permissions_cache_seconds``, so a removed Manage Server permission, a removed
role or a user who left stops dashboard access within that time.
"""

from __future__ import annotations

from core.web.context import WebContext
from core.web.discord_api import DiscordApiError, UserGuild

GONE = (403, 404)  # unknown guild or member: no standing there


async def live_guild(c: WebContext, guild_id: int, user_id: int) -> UserGuild | None:
    """The user's permissions in ``guild_id`` now (``None``: not a member). A Discord
    failure other than "unknown" raises :class:`DiscordApiError`."""
    ttl = c.settings.web.permissions_cache_seconds
    try:
        guild = await c.bot_get(f"/guilds/{guild_id}", ttl=ttl)
        roles = await c.bot_get(f"/guilds/{guild_id}/roles", ttl=ttl)
        member = await c.bot_get(f"/guilds/{guild_id}/members/{user_id}", ttl=ttl)
    except DiscordApiError as exc:
        if exc.status in GONE:
            return None
        raise
    by_id = {str(role["id"]): int(role.get("permissions") or 0) for role in roles}
    permissions = by_id.get(str(guild_id), 0)  # @everyone
    for role_id in member.get("roles", []):
        permissions |= by_id.get(str(role_id), 0)
    owner = str(guild.get("owner_id")) == str(user_id)
    return UserGuild(guild_id, str(guild.get("name") or f"Server {guild_id}"), permissions,
                     owner, guild.get("icon"))
