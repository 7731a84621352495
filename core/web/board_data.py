"""The public leaderboard's data: keyset pages of ``guild_members`` by XP.

A page is addressed by a cursor ``(xp, user_id)`` of a neighbouring row instead of an
OFFSET, so page 5,000 costs what page 1 costs: an index range scan of
``(guild_id, xp)`` for 100 rows. Ranks follow :func:`core.services.xp.rank_position`
(ties share a rank); the first row's rank takes one index-only count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tortoise import connections

from core.db import placeholders
from core.services import xp

CONNECTION = "default"
PAGE_SIZE = 100
Direction = Literal["first", "after", "from", "before"]


@dataclass(frozen=True)
class Cursor:
    """A position in the ordering ``xp DESC, user_id ASC``."""

    xp: int
    user_id: int

    def text(self) -> str:
        """``"xp.user_id"`` for a URL."""
        return f"{self.xp}.{self.user_id}"

    @classmethod
    def parse(cls, raw: str) -> Cursor | None:
        """The cursor in ``raw``, or ``None`` when it is not one."""
        left, _, right = raw.partition(".")
        if not (left.isdigit() and right.isdigit()) or len(raw) > 40:
            return None
        return cls(int(left), int(right))


@dataclass(frozen=True)
class BoardLine:
    """One leaderboard row with its rank and progress to the next level."""

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


_WHERE = {
    "first": "",
    "after": ' AND ("xp" < {x} OR ("xp" = {x2} AND "user_id" > {u}))',
    "from": ' AND ("xp" < {x} OR ("xp" = {x2} AND "user_id" >= {u}))',
    "before": ' AND ("xp" > {x} OR ("xp" = {x2} AND "user_id" < {u}))',
}


async def _rows(
    guild_id: int, direction: Direction, cursor: Cursor | None, limit: int
) -> list[tuple[int, int, int, str]]:
    conn = connections.get(CONNECTION)
    c = cursor or Cursor(0, 0)
    if direction == "first":
        g, n = placeholders(conn, 2, 1)
        where, params = "", [guild_id, limit]
    else:
        g, x, x2, u, n = placeholders(conn, 5, 1)
        where = _WHERE[direction].format(x=x, x2=x2, u=u)
        params = [guild_id, c.xp, c.xp, c.user_id, limit]
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


async def _position(guild_id: int, first: tuple[int, int, int, str]) -> tuple[int, int]:
    """``(rank, position)`` of a row: ``1 + #more XP`` and ``1 + #rows ordered before``."""
    conn = connections.get(CONNECTION)
    a, b, a2, b2, c = placeholders(conn, 5, 1)
    rows = await conn.execute_query_dict(
        'SELECT (SELECT COUNT(*) FROM "guild_members" WHERE "guild_id" = '  # noqa: S608
        f'{a} AND "xp" > {b}) AS "more", (SELECT COUNT(*) FROM "guild_members" WHERE '
        f'"guild_id" = {a2} AND "xp" = {b2} AND "user_id" < {c}) AS "tied"',
        [guild_id, first[1], guild_id, first[1], first[0]],
    )
    more, tied = int(rows[0]["more"]), int(rows[0]["tied"])
    return more + 1, more + tied + 1


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
    rank, position = await _position(guild_id, rows[0])
    lines: list[BoardLine] = []
    for i, (user_id, total, level, name) in enumerate(rows):
        if i and total != rows[i - 1][1]:
            rank = position + i
        p = xp.progress(total)
        percent = 100 * p.into_level // p.level_span if p.level_span else 100
        lines.append(BoardLine(rank, user_id, name, total, level, percent, p.remaining))
    before = Cursor(rows[0][1], rows[0][0]) if has_before and position > 1 else None
    after = Cursor(rows[-1][1], rows[-1][0]) if has_after else None
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
    return Cursor(int(rows[0]["xp"]), user_id) if rows else None
