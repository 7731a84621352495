"""Public pages: the home page and the guard of a guild's public pages.

A guild's public pages (plugins contribute them: :mod:`core.web.public_pages`) exist only
while an admin has them on (``guild_config.public_pages``); otherwise the answer is the same
404 as for a guild that does not exist.
"""

from __future__ import annotations

from aiohttp import web

from core.db.models import GuildConfig
from core.web.app import render
from core.web.guards import guild_id_param

routes = web.RouteTableDef()
NOT_FOUND = "No such page."


async def index(request: web.Request) -> web.Response:
    """Home: what the dashboard offers, login or the guild list."""
    return render(request, "index.html", {})


async def public_guild(request: web.Request) -> int:
    """The route's guild id when its public pages are on (else the common 404)."""
    guild_id = guild_id_param(request)
    row = await GuildConfig.get_or_none(guild_id=guild_id).only("guild_id", "public_pages")
    if row is None or not row.public_pages:
        raise web.HTTPNotFound(text=NOT_FOUND)
    return guild_id
