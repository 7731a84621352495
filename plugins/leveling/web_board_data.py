"""The public leaderboard's data: keyset pages of ``guild_members`` by XP.

A page is addressed by a cursor of a neighbouring row instead of an OFFSET, so page
5,000 costs what page 1 costs: an index range scan of ``(guild_id, xp)`` for 100 rows.
Lines are numbered by position, ties ordered by user id, as ``/leaderboard`` numbers
them. A cursor carries the position of its row (``xp.user_id.position``), so turning
pages counts nothing; a hand-edited link can only misnumber the editor's own view.
Jumping to a member reads their position from the bucket counts (``xp.member_position``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tortoise import connections

from core.plugins.api import placeholders, xp
from core.web.params import bounded, snowflake

CONNECTION = "default"
PAGE_SIZE = 100
MAX_NUMBER = 10**12
Direction = Literal["first", "after", "from", "before"]


@dataclass(frozen=True)
class Cursor:
    """A row in the ordering ``xp DESC, user_id ASC`` and its 1-based position."""

    xp: int
    user_id: int
    position: int

    def text(self) -> str:
        """``"xp.user_id.position"`` for a URL."""
        return f"{self.xp}.{self.user_id}.{self.position}"

    @classmethod
    def parse(cls, raw: str) -> Cursor | None:
        """The cursor in ``raw``, or ``None`` when it is not one."""
        parts = raw.split(".")
        if len(parts) != 3:
            return None
        total, position = bounded(parts[0], 0, MAX_NUMBER), bounded(parts[2], 1, MAX_NUMBER)
        user_id = snowflake(parts[1]) if parts[1] == parts[1].strip() else None
        if total is None or user_id is None or position is None:
            return None
        return cls(total, user_id, position)


@dataclass(frozen=True)
class BoardLine:
    """One leaderboard row with its position and progress to the next level."""

    rank: int
    user_id: int
    username: str
    xp: int
    level: int
    percent: int
    remaining: int


@dataclass(frozen=True)
class BoardPage:
    """A page of lines and the cursors of its neighbours (``None``: no such page)."""

    lines: list[BoardLine]
    previous: Cursor | None
    next: Cursor | None


# The plain bound (first line) lets both engines range-scan the index; the OR settles ties.
_WHERE = {
    "after": ' AND "xp" <= {x} AND ("xp" < {x2} OR ("xp" = {x3} AND "user_id" > {u}))',
    "from": ' AND "xp" <= {x} AND ("xp" < {x2} OR ("xp" = {x3} AND "user_id" >= {u}))',
    "before": ' AND "xp" >= {x} AND ("xp" > {x2} OR ("xp" = {x3} AND "user_id" < {u}))',
}


async def _rows(
    guild_id: int, direction: Direction, cursor: Cursor | None, limit: int
) -> list[tuple[int, int, int, str]]:
    conn = connections.get(CONNECTION)
    if direction == "first" or cursor is None:
        g, n = placeholders(conn, 2, 1)
        where, params = "", [guild_id, limit]
    else:
        g, x, x2, x3, u, n = placeholders(conn, 6, 1)
        where = _WHERE[direction].format(x=x, x2=x2, x3=x3, u=u)
        params = [guild_id, cursor.xp, cursor.xp, cursor.xp, cursor.user_id, limit]
    order = '"xp", "user_id" DESC' if direction == "before" else '"xp" DESC, "user_id"'
    sql = (
        'SELECT gm."user_id", gm."xp", gm."level", u."username" FROM ('  # noqa: S608
        f'SELECT "user_id", "xp", "level" FROM "guild_members" WHERE "guild_id" = {g}'
        f"{where} ORDER BY {order} LIMIT {n}"
        ') gm JOIN "users" u ON u."user_id" = gm."user_id"'
    )
    rows = await conn.execute_query_dict(sql, params)
    out = [(int(r["user_id"]), int(r["xp"]), int(r["level"]), str(r["username"])) for r in rows]
    out.sort(key=lambda r: (-r[1], r[0]))
    return out


def _first_position(direction: Direction, cursor: Cursor | None, count: int) -> int:
    if cursor is None or direction == "first":
        return 1
    if direction == "after":
        return cursor.position + 1
    if direction == "before":
        return max(1, cursor.position - count)
    return cursor.position


async def page(
    guild_id: int, direction: Direction = "first", cursor: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> BoardPage:
    """One page of the guild's XP leaderboard (``direction`` relative to ``cursor``)."""
    rows = await _rows(guild_id, direction, cursor, size + 1)
    if direction == "before":
        has_before, rows = len(rows) > size, rows[-size:]
        has_after = True
    else:
        has_after, rows = len(rows) > size, rows[:size]
        has_before = direction != "first"
    if not rows:
        return BoardPage([], None, None)
    start = _first_position(direction, cursor, len(rows))
    lines = []
    for number, (user_id, total, level, name) in enumerate(rows, start=start):
        p = xp.progress(total)
        percent = 100 * p.into_level // p.level_span if p.level_span else 100
        lines.append(BoardLine(number, user_id, name, total, level, percent, p.remaining))
    first, last = lines[0], lines[-1]
    before = Cursor(first.xp, first.user_id, first.rank) if has_before and start > 1 else None
    after = Cursor(last.xp, last.user_id, last.rank) if has_after else None
    return BoardPage(lines, before, after)


async def member_cursor(guild_id: int, user_id: int) -> Cursor | None:
    """Where ``user_id`` sits on the leaderboard (``None``: no row in this guild)."""
    conn = connections.get(CONNECTION)
    a, b = placeholders(conn, 2, 1)
    rows = await conn.execute_query_dict(
        f'SELECT "xp" FROM "guild_members" WHERE "guild_id" = {a} '  # noqa: S608
        f'AND "user_id" = {b}',
        [guild_id, user_id],
    )
    if not rows:
        return None
    total = int(rows[0]["xp"])
    return Cursor(total, user_id, await xp.member_position(guild_id, total, user_id))
