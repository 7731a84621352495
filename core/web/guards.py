"""Who may see what: the session, the user's current Discord permissions, CSRF.

Admin routes call :func:`admin_guild` on every request: the user's guilds come from
Discord with their own token (reused for ``permissions_cache_seconds``), so a removed
Manage Server permission stops dashboard access within that time, not at next login.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from core.models import GuildConfig, GuildDeparture, WebSession
from core.web import params, sessions
from core.web.app import SESSION
from core.web.context import ctx
from core.web.discord_api import DiscordApiError, UserGuild
from core.web.login import login_redirect

FORBIDDEN = "You need the Manage Server permission in this server to change its settings."


@dataclass(frozen=True)
class AdminGuild:
    """A guild the logged-in user may administer, and that user's session."""

    session: WebSession
    guild: UserGuild

    @property
    def id(self) -> int:
        """The guild id."""
        return self.guild.id


def guild_id_param(request: web.Request) -> int:
    """The ``{guild_id}`` path part as a snowflake (404 when it is not one)."""
    return params.path_snowflake(request, "guild_id")


def require_session(request: web.Request) -> WebSession:
    """The session, or a redirect to the login."""
    session = request.get(SESSION)
    if not isinstance(session, WebSession):
        raise login_redirect(request)
    return session


async def bot_guild_ids(guild_ids: list[int]) -> set[int]:
    """Which of ``guild_ids`` the bot is in (a ``guild_config`` row and no departure)."""
    if not guild_ids:
        return set()
    present = set(await GuildConfig.filter(guild_id__in=guild_ids).values_list(
        "guild_id", flat=True))
    gone = set(await GuildDeparture.filter(guild_id__in=list(present)).values_list(
        "guild_id", flat=True))
    return {int(g) for g in present - gone}


async def user_guilds(request: web.Request, session: WebSession) -> list[UserGuild]:
    """The user's guilds from Discord; a revoked token ends the session."""
    try:
        return await ctx(request).user_guilds(session.id, session.access_token)
    except DiscordApiError as exc:
        if exc.status == 401:
            await sessions.delete(session)
            raise login_redirect(request) from None
        raise web.HTTPBadGateway(text="Discord could not be reached; try again.") from None


async def admin_guild(request: web.Request) -> AdminGuild:
    """The route's guild if the user may manage it now and the bot is there (else 403/404)."""
    session = require_session(request)
    guild_id = guild_id_param(request)
    guild = next((g for g in await user_guilds(request, session) if g.id == guild_id), None)
    if guild is None or not guild.can_manage:
        raise web.HTTPForbidden(text=FORBIDDEN)
    if guild_id not in await bot_guild_ids([guild_id]):
        raise web.HTTPNotFound(text="The bot is not in this server.")
    return AdminGuild(session, guild)


async def admin_form(request: web.Request) -> tuple[AdminGuild, Any]:
    """For a POST: the authorised guild and the form, after the CSRF token is checked."""
    admin = await admin_guild(request)
    form = await request.post()
    if not sessions.csrf_ok(admin.session, form.get("csrf")):
        raise web.HTTPForbidden(text="The form expired or was not sent by this site; "
                                "reload the page and try again. Nothing was changed.")
    return admin, form
