"""Who may see what: the session, the user's current Discord permissions, CSRF.

Admin routes call :func:`admin_guild` on every request: the user's permissions in the
guild come from Discord with the bot's token (:mod:`core.web.member_access`, reused for
``permissions_cache_seconds``), so a removed Manage Server permission stops dashboard
access within that time, not at next login. No user token is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from aiohttp import web

from core.db.models import GuildConfig, GuildDeparture, WebSession
from core.plugins.contracts import Viewer
from core.web import params, sessions
from core.web.app import SESSION
from core.web.context import ctx
from core.web.discord_api import DiscordApiError, UserGuild
from core.web.login import login_redirect
from core.web.looks import GuildLook, guild_look
from core.web.member_access import live_standing

FORBIDDEN = "You need the Manage Server permission in this server to change its settings."
NOT_ADMITTED = "You do not have the permissions this page needs in this server."


@dataclass(frozen=True)
class AdminGuild:
    """A guild the logged-in user may administer, and that user's session."""

    session: WebSession
    guild: UserGuild

    @property
    def id(self) -> int:
        """The guild id."""
        return self.guild.id

    @property
    def look(self) -> GuildLook:
        """The guild's name and icon, as its pages show them."""
        return guild_look(self.guild.id, self.guild.name, self.guild.icon)


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
    # flat=True yields bare values (tortoise types them as tuples)
    present = set(cast(list[int], await GuildConfig.filter(guild_id__in=guild_ids).values_list(
        "guild_id", flat=True)))
    gone = set(cast(list[int], await GuildDeparture.filter(
        guild_id__in=list(present)).values_list("guild_id", flat=True)))
    return {int(g) for g in present - gone}


async def my_servers(session: WebSession) -> list[UserGuild]:
    """The servers the user could manage at login where the bot is now present."""
    listed = sessions.manageable_guilds(session)
    present = await bot_guild_ids([guild_id for guild_id, _ in listed])
    return [UserGuild(guild_id, name, 0, False) for guild_id, name in listed
            if guild_id in present]


async def admin_guild(
    request: web.Request, audience: Callable[[Viewer], bool] | None = None
) -> AdminGuild:
    """The route's guild if the user may manage it now (or, with ``audience``, is admitted
    by it) and the bot is there (else the login, 403 or 404)."""
    session = require_session(request)
    guild_id = guild_id_param(request)
    if guild_id not in await bot_guild_ids([guild_id]):
        if any(listed == guild_id for listed, _ in sessions.manageable_guilds(session)):
            raise web.HTTPNotFound(text="The bot is not in this server.")
        raise web.HTTPForbidden(text=FORBIDDEN if audience is None else NOT_ADMITTED)
    try:
        standing = await live_standing(ctx(request), guild_id, session.user_id)
    except DiscordApiError:
        raise web.HTTPBadGateway(text="Discord could not be reached; try again.") from None
    if audience is not None:
        if standing is None or not audience(standing[1]):
            raise web.HTTPForbidden(text=NOT_ADMITTED)
    elif standing is None or not standing[0].can_manage:
        raise web.HTTPForbidden(text=FORBIDDEN)
    return AdminGuild(session, standing[0])


async def admin_form(
    request: web.Request, audience: Callable[[Viewer], bool] | None = None
) -> tuple[AdminGuild, Any]:
    """For a POST: the authorised guild and the form, after the CSRF token is checked."""
    admin = await admin_guild(request, audience)
    form = await request.post()
    if not sessions.csrf_ok(admin.session, form.get("csrf")):
        raise web.HTTPForbidden(text="The form expired or was not sent by this site; "
                                "reload the page and try again. Nothing was changed.")
    return admin, form
