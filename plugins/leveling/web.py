"""The public leaderboard of a guild (``/g/<guild_id>/leaderboard``) on the dashboard, and
the global leaderboard of the whole bot (``/global/leaderboard``, 50 users a page, without
the users who opted out).

100 members per page by XP in keyset pages (:mod:`plugins.leveling.web_board_data`), a jump
to a member (``?member=ID``, or ``?me=1`` for the logged-in viewer) and, while the
economy plugin is enabled for the guild, its richest members beside the board.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugins.api import PageRequest, PublicPage, Settings, plugin_switches
from core.web.looks import faces
from core.web.params import snowflake
from plugins.leveling import global_board
from plugins.leveling import web_board_data as board_data
from plugins.leveling.web_board_data import Cursor

RICHEST = 10
GLOBAL_PAGE_SIZE = 50


def _position(request: PageRequest) -> tuple[board_data.Direction, Cursor | None]:
    for key in ("after", "before", "from"):
        raw = request.query.get(key)
        if raw is not None:
            cursor = Cursor.parse(raw)
            if cursor is None:
                raise ValueError("That page link is not valid.")
            return key, cursor  # type: ignore[return-value]
    return "first", None


async def _jump(request: PageRequest) -> tuple[Cursor | None, str | None]:
    """The cursor of the member to jump to (``?member=ID`` or ``?me=1``), or a note."""
    raw = request.query.get("member")
    if request.query.get("me") and request.viewer_id is not None:
        raw = str(request.viewer_id)
    elif request.query.get("me"):
        return None, "Log in to jump to your own rank."
    if raw is None:
        return None, None
    member = snowflake(raw)
    if member is None:
        return None, "A member id is a number (Discord: Copy User ID)."
    cursor = await board_data.member_cursor(request.guild_id, member)
    return cursor, None if cursor else "That member has no XP in this server yet."


async def _richest(guild_id: int) -> list[dict[str, Any]]:
    from plugins.economy.service import top_balances

    entries = await top_balances(guild_id, RICHEST)
    return [{"rank": e.rank, "user_id": e.user_id, "coins": e.coins} for e in entries]


def public_pages(settings: Settings) -> list[PublicPage]:
    """The "Leaderboard" page (the richest list only where economy is loaded and enabled)
    and the "Global leaderboard" page."""
    economy = "economy" in settings.plugins.enabled

    async def render(request: PageRequest) -> dict[str, Any]:
        direction, cursor = _position(request)
        jump, note = await _jump(request)
        if jump is not None:
            direction, cursor = "from", jump
        page = await board_data.page(request.guild_id, direction, cursor)
        show_richest = economy and await plugin_switches.is_enabled(request.guild_id, "economy")
        richest = await _richest(request.guild_id) if show_richest else []
        shown = [line.user_id for line in page.lines] + [e["user_id"] for e in richest]
        return {"page": page, "note": note, "highlight": jump.user_id if jump else None,
                "richest": richest, "faces": await faces(shown)}

    async def render_global(request: PageRequest) -> dict[str, Any]:
        raw = request.query.get("page", "1")
        if not raw.isdigit():
            raise ValueError("The page is a whole number.")
        number = int(raw)
        rows, pages = await global_board.page(number, GLOBAL_PAGE_SIZE)
        return {"rows": rows, "number": number, "pages": pages,
                "faces": await faces(row.user_id for row in rows)}

    here = Path(__file__).parent
    template = (here / "leaderboard.html").read_text(encoding="utf-8")
    everywhere = (here / "global_page.html").read_text(encoding="utf-8")
    return [PublicPage("leaderboard", "Leaderboard", template, render),
            PublicPage("leaderboard", "Global leaderboard", everywhere, render_global,
                       everywhere=True)]
