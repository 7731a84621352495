"""Public pages: the home page, a guild's leaderboard and its command statistics.

A guild's public pages exist only while an admin has them on (``guild_config.
public_pages``); otherwise the answer is the same 404 as for a guild that does not exist.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.models import GuildConfig, User, WebSession
from core.services import plugin_switches
from core.web import board_data
from core.web.app import SESSION, render
from core.web.board_data import Cursor
from core.web.charts import bar_chart
from core.web.context import ctx
from core.web.guards import guild_id_param

routes = web.RouteTableDef()
NOT_FOUND = "No such page."
STATS_PERIODS = (30, 90)


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


def _position(request: web.Request) -> tuple[board_data.Direction, Cursor | None, str | None]:
    for key in ("after", "before", "from"):
        raw = request.query.get(key)
        if raw is not None:
            cursor = Cursor.parse(raw)
            if cursor is None:
                raise web.HTTPBadRequest(text="That page link is not valid.")
            return key, cursor, None  # type: ignore[return-value]
    return "first", None, None


async def _jump(request: web.Request, guild_id: int) -> tuple[Cursor | None, str | None]:
    """The cursor of the member to jump to (``?member=ID`` or ``?me=1``), or a note."""
    raw = request.query.get("member")
    session = request.get(SESSION)
    if request.query.get("me") and isinstance(session, WebSession):
        raw = str(session.user_id)
    elif request.query.get("me"):
        return None, "Log in to jump to your own rank."
    if raw is None:
        return None, None
    if not raw.isdigit() or len(raw) > 20:
        return None, "A member id is a number (Discord: Copy User ID)."
    cursor = await board_data.member_cursor(guild_id, int(raw))
    return cursor, None if cursor else "That member has no XP in this server yet."


@routes.get("/g/{guild_id}/leaderboard")
async def leaderboard(request: web.Request) -> web.Response:
    """100 members per page by XP, keyset pages, jump to a member, economy beside it."""
    c = ctx(request)
    guild_id = await public_guild(request)
    direction, cursor, _ = _position(request)
    jump, note = await _jump(request, guild_id)
    highlight = jump.user_id if jump else None
    if jump is not None:
        direction, cursor = "from", jump
    page = await board_data.page(guild_id, direction, cursor)
    richest: list[Any] = []
    if "economy" in c.enabled_plugins and await plugin_switches.is_enabled(guild_id, "economy"):
        from plugins.economy.service import top_balances

        entries = await top_balances(guild_id, 10)
        names = dict(await User.filter(user_id__in=[e.user_id for e in entries]).values_list(
            "user_id", "username"))
        richest = [{"rank": e.rank, "user_id": e.user_id, "coins": e.coins,
                    "name": names.get(e.user_id, str(e.user_id))} for e in entries]
    return render(request, "leaderboard.html", {
        "guild_id": guild_id, "guild_name": await c.guild_name(guild_id), "page": page,
        "richest": richest, "note": note, "highlight": highlight,
    })


@routes.get("/g/{guild_id}/stats")
async def stats(request: web.Request) -> web.Response:
    """Commands per day (30 or 90 days), top commands, active members per day."""
    c = ctx(request)
    guild_id = await public_guild(request)
    raw = request.query.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in STATS_PERIODS else 30
    data: dict[str, Any] = {"guild_id": guild_id, "guild_name": await c.guild_name(guild_id),
                            "days": days, "periods": STATS_PERIODS, "analytics": False}
    if "analytics" in c.enabled_plugins:
        from plugins.analytics.daily import per_day
        from plugins.analytics.service import top_commands

        series = await per_day(guild_id, days)
        data.update(
            analytics=True,
            commands=bar_chart("Commands per day",
                               [(d.day.isoformat(), d.commands) for d in series], "commands"),
            members=bar_chart("Active members per day",
                              [(d.day.isoformat(), d.members) for d in series], "members"),
            top=await top_commands(guild_id, days),
            total=sum(d.commands for d in series),
        )
    return render(request, "stats.html", data)
