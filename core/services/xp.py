"""XP and levels in ``guild_members`` (xp, level) and ``users`` (global_xp, global_level).

The curve: going from level ``n`` to ``n + 1`` costs ``5n² + 50n + 100`` XP. Levels start at
1 (the seed's default for 0 XP), so level 1 is 0 XP, level 2 is 155 XP, level 3 is 375 XP.
``level`` and ``global_level`` are always ``level_for_xp`` of the stored XP: every write here
changes XP and level in the same transaction.

Writes are batched: :func:`apply_awards` adds many members' pending XP in one multi-row
upsert per table (``xp = xp + pending``), reads the new totals back (``RETURNING``) and
corrects the level of the few rows whose level changed, all in one transaction. The
level changes it returns are exact, because they come from the committed totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.db.database import placeholders
from core.services import xp_ranks

CONNECTION = "default"
MAX_XP = 1_000_000_000  # far below the INTEGER column's limit; admin input is capped here
CHUNK = 500  # rows per multi-row statement (stays far below both engines' parameter limits)


# -- the curve ---------------------------------------------------------------------------


def xp_for_next_level(level: int) -> int:
    """XP needed to go from ``level`` to ``level + 1`` (``5n² + 50n + 100``)."""
    if level < 1:
        raise ValueError(f"levels start at 1, got {level}")
    return 5 * level * level + 50 * level + 100


def total_xp_for_level(level: int) -> int:
    """Total XP at which ``level`` is reached (level 1: 0 XP)."""
    if level < 1:
        raise ValueError(f"levels start at 1, got {level}")
    m = level - 1  # sum of xp_for_next_level(k) for k = 1..m, in closed form
    return 5 * m * (m + 1) * (2 * m + 1) // 6 + 25 * m * (m + 1) + 100 * m


def level_for_xp(xp: int) -> int:
    """The level of a member holding ``xp`` XP (the highest level whose total is <= xp)."""
    if xp < 0:
        raise ValueError(f"XP cannot be negative, got {xp}")
    level = max(1, int((0.6 * xp) ** (1 / 3)))  # the cubic's leading term, then exact steps
    while level > 1 and total_xp_for_level(level) > xp:
        level -= 1
    while total_xp_for_level(level + 1) <= xp:
        level += 1
    return level


@dataclass(frozen=True, slots=True)
class Progress:
    """Where ``xp`` stands: its level, XP earned into that level, XP the level needs."""

    xp: int
    level: int
    into_level: int
    level_span: int

    @property
    def remaining(self) -> int:
        """XP still missing for the next level."""
        return self.level_span - self.into_level


def progress(xp: int) -> Progress:
    """The level of ``xp`` and how far it is into that level."""
    level = level_for_xp(xp)
    return Progress(xp, level, xp - total_xp_for_level(level), xp_for_next_level(level))


# -- batched awards ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A member whose level changed in a write (up after awards; up or down after a set)."""

    user_id: int
    guild_id: int
    old_level: int
    new_level: int
    xp: int


def _is_pg(conn: BaseDBAsyncClient) -> bool:
    return conn.schema_generator.DIALECT == "postgres"


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


async def apply_awards(
    awards: Mapping[tuple[int, int], int],
    usernames: Mapping[int, str],
    conn: BaseDBAsyncClient,
) -> list[LevelChange]:
    """Add ``awards`` ({(user_id, guild_id): xp}) to guild and global XP on ``conn``.

    ``conn`` should be a transaction (the caller's, so a failure leaves nothing written).
    Missing ``users`` / ``guild_members`` rows are created (usernames from ``usernames``).
    Returns the guild level changes, from the stored totals.
    """
    if any(amount < 0 for amount in awards.values()):
        raise ValueError("awards must not be negative")
    per_user: dict[int, int] = {}
    for (user_id, _), amount in awards.items():
        per_user[user_id] = per_user.get(user_id, 0) + amount
    for chunk in _chunks(sorted(per_user.items())):
        rows = await _upsert_users(conn, chunk, usernames)
        await _fix_levels(conn, "users", "user_id", "global_xp", "global_level", rows)
    changes: list[LevelChange] = []
    for chunk in _chunks(sorted(awards.items())):
        rows = await _upsert_members(conn, chunk)
        fixed = await _fix_levels(conn, "guild_members", "id", "xp", "level", rows)
        changes += [
            LevelChange(row["user_id"], row["guild_id"], row["level"], new, row["xp"])
            for row, new in fixed
        ]
    return changes


async def _upsert_users(
    conn: BaseDBAsyncClient, chunk: list[tuple[int, int]], usernames: Mapping[int, str]
) -> list[dict[str, Any]]:
    values: list[str] = []
    params: list[Any] = []
    for user_id, amount in chunk:
        a, b, c = placeholders(conn, 3, len(params) + 1)
        values.append(f"({a}, {b}, {c}, 1)")
        params += [user_id, usernames.get(user_id) or str(user_id), amount]
    sql = (
        'INSERT INTO "users" ("user_id", "username", "global_xp", "global_level") '  # noqa: S608
        f"VALUES {', '.join(values)} "
        'ON CONFLICT ("user_id") DO UPDATE SET "global_xp" = "users"."global_xp" + '
        'EXCLUDED."global_xp" RETURNING "user_id", "global_xp", "global_level"'
    )
    return await conn.execute_query_dict(sql, params)


async def _upsert_members(
    conn: BaseDBAsyncClient, chunk: list[tuple[tuple[int, int], int]]
) -> list[dict[str, Any]]:
    values: list[str] = []
    params: list[Any] = []
    for (user_id, guild_id), amount in chunk:
        a, b, c = placeholders(conn, 3, len(params) + 1)
        values.append(f"({a}, {b}, {c}, 1)")
        params += [user_id, guild_id, amount]
    sql = (
        'INSERT INTO "guild_members" ("user_id", "guild_id", "xp", "level") '  # noqa: S608
        f"VALUES {', '.join(values)} "
        'ON CONFLICT ("user_id", "guild_id") DO UPDATE SET "xp" = "guild_members"."xp" + '
        'EXCLUDED."xp" RETURNING "id", "user_id", "guild_id", "xp", "level"'
    )
    return await conn.execute_query_dict(sql, params)


async def _fix_levels(
    conn: BaseDBAsyncClient,
    table: str,
    key: str,
    xp_column: str,
    level_column: str,
    rows: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], int]]:
    """Set ``level_column`` from ``xp_column`` on rows where they disagree (one statement)."""
    wrong = [
        (row, new)
        for row in rows
        if (new := level_for_xp(int(row[xp_column]))) != int(row[level_column])
    ]
    if not wrong:
        return []
    cases: list[str] = []
    params: list[Any] = []
    for row, new in wrong:
        a, b = placeholders(conn, 2, len(params) + 1)
        cases.append(f"WHEN {a} THEN CAST({b} AS INTEGER)")
        params += [row[key], new]
    keys = placeholders(conn, len(wrong), len(params) + 1)
    params += [row[key] for row, _ in wrong]
    await conn.execute_query(
        f'UPDATE "{table}" SET "{level_column}" = CASE "{key}" {" ".join(cases)} '  # noqa: S608
        f'END WHERE "{key}" IN ({", ".join(keys)})',
        params,
    )
    return wrong


# -- admin changes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class XpChange:
    """The outcome of an admin change to one member's guild XP."""

    user_id: int
    guild_id: int
    old_xp: int
    new_xp: int
    old_level: int
    new_level: int

    @property
    def delta(self) -> int:
        """XP actually added (negative: removed)."""
        return self.new_xp - self.old_xp


async def change_member_xp(
    conn: BaseDBAsyncClient,
    guild_id: int,
    user_id: int,
    username: str,
    *,
    set_to: int | None = None,
    delta: int | None = None,
) -> XpChange:
    """Set (``set_to``) or shift (``delta``) a member's guild XP on ``conn`` (a transaction).

    The result is clamped to ``0..MAX_XP``; the level follows. Global XP is not touched:
    it counts what members earned by talking, which an admin of one guild cannot change.
    """
    if (set_to is None) == (delta is None):
        raise ValueError("give exactly one of set_to and delta")
    if set_to is not None and not 0 <= set_to <= MAX_XP:
        raise ValueError(f"XP must be between 0 and {MAX_XP:,}")
    pg = _is_pg(conn)
    a, b = placeholders(conn, 2, 1)
    await conn.execute_query(
        f'INSERT INTO "users" ("user_id", "username") VALUES ({a}, {b}) '  # noqa: S608
        'ON CONFLICT ("user_id") DO NOTHING',
        [user_id, username or str(user_id)],
    )
    await conn.execute_query(
        f'INSERT INTO "guild_members" ("user_id", "guild_id") VALUES ({a}, {b}) '  # noqa: S608
        'ON CONFLICT ("user_id", "guild_id") DO NOTHING',
        [user_id, guild_id],
    )
    lock = " FOR UPDATE" if pg else ""  # SQLite: the INSERT above already holds the write lock
    rows = await conn.execute_query_dict(
        f'SELECT "xp", "level" FROM "guild_members" WHERE "user_id" = {a} '  # noqa: S608
        f'AND "guild_id" = {b}{lock}',
        [user_id, guild_id],
    )
    old_xp, old_level = int(rows[0]["xp"]), int(rows[0]["level"])
    new_xp = set_to if set_to is not None else old_xp + (delta or 0)
    new_xp = min(max(new_xp, 0), MAX_XP)
    new_level = level_for_xp(new_xp)
    a, b, c, d = placeholders(conn, 4, 1)
    await conn.execute_query(
        f'UPDATE "guild_members" SET "xp" = {a}, "level" = {b} '  # noqa: S608
        f'WHERE "user_id" = {c} AND "guild_id" = {d}',
        [new_xp, new_level, user_id, guild_id],
    )
    return XpChange(user_id, guild_id, old_xp, new_xp, old_level, new_level)


# -- reads -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One leaderboard line."""

    user_id: int
    xp: int
    level: int
    username: str


async def member_xp(guild_id: int, user_id: int) -> tuple[int, int]:
    """``(xp, level)`` of a member in a guild; ``(0, 1)`` when the member has no row."""
    conn = connections.get(CONNECTION)
    a, b = placeholders(conn, 2, 1)
    rows = await conn.execute_query_dict(
        f'SELECT "xp", "level" FROM "guild_members" WHERE "user_id" = {a} '  # noqa: S608
        f'AND "guild_id" = {b}',
        [user_id, guild_id],
    )
    return (int(rows[0]["xp"]), int(rows[0]["level"])) if rows else (0, 1)


async def global_xp(user_id: int) -> tuple[int, int]:
    """``(global_xp, global_level)`` of a user; ``(0, 1)`` when unknown."""
    conn = connections.get(CONNECTION)
    (a,) = placeholders(conn, 1, 1)
    rows = await conn.execute_query_dict(
        f'SELECT "global_xp", "global_level" FROM "users" WHERE "user_id" = {a}',  # noqa: S608
        [user_id],
    )
    return (int(rows[0]["global_xp"]), int(rows[0]["global_level"])) if rows else (0, 1)


async def rank_position(guild_id: int, xp: int) -> int:
    """1 + the number of members of the guild with more XP (ties share a position).

    Constant time from the bucket counts (:mod:`core.services.xp_ranks`)."""
    return await xp_ranks.count_ahead(connections.get(CONNECTION), guild_id, xp) + 1


async def member_position(guild_id: int, xp: int, user_id: int) -> int:
    """The 1-based line of the member at ``(xp, user_id)`` on the leaderboard (ties: lower
    user id first), from the bucket counts."""
    return await xp_ranks.count_ahead(connections.get(CONNECTION), guild_id, xp, user_id) + 1


async def ranked_members(guild_id: int) -> int:
    """How many members of the guild have a row (the leaderboard's length)."""
    return await xp_ranks.total(connections.get(CONNECTION), guild_id)


async def leaderboard(guild_id: int, offset: int, limit: int = 10) -> list[BoardRow]:
    """Members of a guild by XP, highest first (ties: lower user id first).

    Any ``offset`` costs the same: the bucket counts find the XP range holding that row
    (:func:`core.services.xp_ranks.locate`), and the page is read from there, skipping
    only rows inside that one range."""
    if offset < 0 or limit < 1:
        raise ValueError("offset must be >= 0 and limit >= 1")
    conn = connections.get(CONNECTION)
    start = await xp_ranks.locate(conn, guild_id, offset) if offset else None
    if offset and start is None:
        return []
    a, b, c, d, e = placeholders(conn, 5, 1)
    highest, skip = (start.highest_xp, start.skip) if start else (xp_ranks.TOP_XP, 0)
    rows = await conn.execute_query_dict(
        # skip inside the index (guild_id, xp, user_id) alone; read only the page's rows
        'SELECT gm."user_id", gm."xp", gm."level", u."username" FROM ('  # noqa: S608
        'SELECT "user_id" FROM "guild_members" '
        f'WHERE "guild_id" = {a} AND "xp" <= {b} ORDER BY "xp" DESC, "user_id" '
        f'LIMIT {c} OFFSET {d}'
        f') p JOIN "guild_members" gm ON gm."guild_id" = {e} AND gm."user_id" = p."user_id" '
        'JOIN "users" u ON u."user_id" = gm."user_id" ORDER BY gm."xp" DESC, gm."user_id"',
        [guild_id, highest, limit, skip, guild_id],
    )
    return _board_rows(rows)


async def leaderboard_from(
    guild_id: int, xp: int, user_id: int, limit: int = 10, *, forward: bool = True
) -> list[BoardRow]:
    """Keyset page: up to ``limit`` members ranked right after (``forward``) or right
    before the member at ``(xp, user_id)``, in leaderboard order. Costs the same on any
    page (an index range from the anchor), unlike an OFFSET that skips rows one by one."""
    if limit < 1:
        raise ValueError("limit must be >= 1")
    conn = connections.get(CONNECTION)
    a, b, c, d, e = placeholders(conn, 5, 1)
    if forward:
        where, order = f'"xp" <= {b} AND ("xp" < {c} OR "user_id" > {d})', '"xp" DESC, "user_id"'
    else:
        where = f'"xp" >= {b} AND ("xp" > {c} OR "user_id" < {d})'
        order = '"xp", "user_id" DESC'
    rows = await conn.execute_query_dict(
        'SELECT gm."user_id", gm."xp", gm."level", u."username" FROM ('  # noqa: S608
        f'SELECT "user_id", "xp", "level" FROM "guild_members" WHERE "guild_id" = {a} '
        f'AND {where} ORDER BY {order} LIMIT {e}'
        ') gm JOIN "users" u ON u."user_id" = gm."user_id" ORDER BY gm."xp" DESC, gm."user_id"',
        [guild_id, xp, xp, user_id, limit],
    )
    return _board_rows(rows)


def _board_rows(rows: list[dict[str, Any]]) -> list[BoardRow]:
    return [
        BoardRow(int(r["user_id"]), int(r["xp"]), int(r["level"]), str(r["username"]))
        for r in rows
    ]
