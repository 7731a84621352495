"""Positions on a guild's XP leaderboard in constant time, from per-guild bucket counts.

``guild_xp_buckets`` counts a guild's members per XP range, kept by triggers on
``guild_members`` in the writing statement's own transaction (migration
``core/8_..._rank_counts``), so every path that changes XP (the flush, ``/xp``, a privacy
delete, a guild purge, a restore) keeps it exact. Two tiers:

- **fine** (tier 0): log-linear ranges, 128 per power of two. XP below 256 has one range
  per value; from 256 up a range spans ``2**s`` values (``s = floor(log2 xp) - 7``), under
  1% of its XP. Bucket ``s * 128 + (xp >> s)``: at most 3,200 for the 32-bit column.
- **coarse** (tier 1): 64 consecutive fine ranges (``fine >> 6``), at most 50 per guild.

Members ahead of XP ``x`` = the coarse counts above ``x``'s coarse range + the fine counts
above ``x``'s fine range inside it + an index range count of the members above ``x`` in its
own fine range: at most 50 + 63 summed rows and one fine range scanned, whatever the
guild's size. The row at offset ``n`` (a page number jump) walks the same counts down
from the top, then skips inside one fine range. Order everywhere: ``xp DESC, user_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from core.db.database import placeholders

SUB_BITS = 7  # 128 fine ranges per power of two
SUB = 1 << SUB_BITS
GROUP_BITS = 6  # 64 fine ranges per coarse one
EXACT_BELOW = 2 * SUB  # one range per XP value below this
TOP_SHIFT = 23  # 2**(23 + 8) = 2**31: the INTEGER column's whole range
FINE, COARSE = 0, 1
TOP_XP = (1 << 31) - 1  # above every stored XP (the INTEGER column's largest value)


def fine_bucket(xp: int) -> int:
    """The fine range of ``xp`` (the SQL of :func:`bucket_sql` computes the same)."""
    s = min(max(0, xp.bit_length() - SUB_BITS - 1), TOP_SHIFT) if xp > 0 else 0
    return s * SUB + (xp >> s)


def coarse_bucket(xp: int) -> int:
    """The coarse range of ``xp``."""
    return fine_bucket(xp) >> GROUP_BITS


def fine_bounds(bucket: int) -> tuple[int, int]:
    """``(lowest, highest)`` XP of a fine range."""
    if bucket < EXACT_BELOW:
        return bucket, bucket
    s = bucket // SUB - 1
    m = bucket - s * SUB
    return m << s, ((m + 1) << s) - 1


def bucket_sql(column: str) -> str:
    """The fine range of ``column`` as a portable SQL expression (SQLite and PostgreSQL).

    ``column`` is a column reference written by code (``"xp"``, ``NEW."xp"``), never input.
    """
    whens = " ".join(
        f"WHEN {column} < {1 << (s + SUB_BITS + 1)} THEN {s * SUB} + ({column} >> {s})"
        for s in range(TOP_SHIFT)
    )
    return f"(CASE {whens} ELSE {TOP_SHIFT * SUB} + ({column} >> {TOP_SHIFT}) END)"


# -- reads ---------------------------------------------------------------------------------


async def count_ahead(
    conn: BaseDBAsyncClient, guild_id: int, xp: int, user_id: int | None = None
) -> int:
    """Members of the guild with more XP than ``xp``; with ``user_id``, also those holding
    exactly ``xp`` with a lower user id (the leaderboard's tie-break)."""
    fine = fine_bucket(xp)
    coarse = fine >> GROUP_BITS
    _, high = fine_bounds(fine)
    g1, c1, g2, f2, end, g3, x3, h3 = placeholders(conn, 8, 1)
    params: list[int] = [
        guild_id, coarse, guild_id, fine, (coarse + 1) << GROUP_BITS, guild_id, xp, high,
    ]
    ties = ""
    if user_id is not None:
        g4, x4, u4 = placeholders(conn, 3, 9)
        ties = (f' + (SELECT COUNT(*) FROM "guild_members" WHERE "guild_id" = {g4} '  # noqa: S608
                f'AND "xp" = {x4} AND "user_id" < {u4})')
        params += [guild_id, xp, user_id]
    rows = await conn.execute_query_dict(
        'SELECT (SELECT COALESCE(SUM("members"), 0) FROM "guild_xp_buckets" '  # noqa: S608
        f'WHERE "guild_id" = {g1} AND "tier" = {COARSE} AND "bucket" > {c1}) '
        '+ (SELECT COALESCE(SUM("members"), 0) FROM "guild_xp_buckets" '
        f'WHERE "guild_id" = {g2} AND "tier" = {FINE} AND "bucket" > {f2} AND "bucket" < {end}) '
        f'+ (SELECT COUNT(*) FROM "guild_members" WHERE "guild_id" = {g3} AND "xp" > {x3} '
        f'AND "xp" <= {h3}){ties} AS "n"',
        params,
    )
    return int(rows[0]["n"])


async def total(conn: BaseDBAsyncClient, guild_id: int) -> int:
    """How many members of the guild have a row (the sum of its coarse counts)."""
    (g,) = placeholders(conn, 1, 1)
    rows = await conn.execute_query_dict(
        'SELECT COALESCE(SUM("members"), 0) AS "n" FROM "guild_xp_buckets" '  # noqa: S608
        f'WHERE "guild_id" = {g} AND "tier" = {COARSE}',
        [guild_id],
    )
    return int(rows[0]["n"])


@dataclass(frozen=True, slots=True)
class Start:
    """Where the row at an offset is: skip ``skip`` rows of ``xp <= highest_xp`` (in
    leaderboard order) and it is the next one."""

    highest_xp: int
    skip: int


async def locate(conn: BaseDBAsyncClient, guild_id: int, offset: int) -> Start | None:
    """The :class:`Start` of the row at 0-based ``offset``; ``None`` past the last row.

    One read: the coarse range holding ``offset`` (a running sum over at most 50 rows) and
    that range's fine counts, which are walked here."""
    g, o, g2 = placeholders(conn, 3, 1)
    rows = await conn.execute_query_dict(
        'WITH "c" AS (SELECT "bucket", "members", SUM("members") OVER '  # noqa: S608
        '(ORDER BY "bucket" DESC) AS "upto" FROM "guild_xp_buckets" '
        f'WHERE "guild_id" = {g} AND "tier" = {COARSE} AND "members" > 0), '
        '"pick" AS (SELECT "bucket", "upto" - "members" AS "before" FROM "c" '
        f'WHERE "upto" > {o} ORDER BY "bucket" DESC LIMIT 1) '
        'SELECT "pick"."bucket" AS "coarse", "pick"."before", f."bucket", f."members" '
        'FROM "pick" LEFT JOIN "guild_xp_buckets" f ON f."guild_id" = '
        f'{g2} AND f."tier" = {FINE} AND f."bucket" >= "pick"."bucket" * {1 << GROUP_BITS} '
        f'AND f."bucket" < ("pick"."bucket" + 1) * {1 << GROUP_BITS} AND f."members" > 0 '
        'ORDER BY f."bucket" DESC',
        [guild_id, offset, guild_id],
    )
    if not rows:
        return None
    skip = offset - int(rows[0]["before"])
    fine = [(int(r["bucket"]), int(r["members"])) for r in rows if r["bucket"] is not None]
    inside = _walk(fine, skip)
    if inside is None:  # fine counts short of the coarse one (damaged): skip from its top
        top = ((int(rows[0]["coarse"]) + 1) << GROUP_BITS) - 1
        return Start(fine_bounds(top)[1], skip)
    return Start(fine_bounds(inside[0])[1], inside[1])


def _walk(counts: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """``(bucket, offset inside it)`` of ``offset`` in ``counts`` (highest bucket first)."""
    for bucket, members in counts:
        if offset < members:
            return bucket, offset
        offset -= members
    return None


# -- rebuild and check -----------------------------------------------------------------------


def _expected_sql(where: tuple[str, str] = ("", "")) -> str:
    """Every bucket row the counts should hold, computed from ``guild_members``. ``where``:
    the condition on ``"guild_id"`` of the fine and of the coarse half (code-written, with
    their own parameter markers)."""
    fine = bucket_sql('"xp"')
    rows = [f'SELECT "guild_id", {fine} AS "b" FROM "guild_members"{w}' for w in where]  # noqa: S608
    return (
        f'SELECT "guild_id", {FINE} AS "tier", "b" AS "bucket", COUNT(*) AS "members" '  # noqa: S608
        f'FROM ({rows[0]}) f GROUP BY "guild_id", "b" UNION ALL '
        f'SELECT "guild_id", {COARSE}, "b" >> {GROUP_BITS}, COUNT(*) '
        f'FROM ({rows[1]}) c GROUP BY "guild_id", "b" >> {GROUP_BITS}'
    )


def mismatch_sql() -> str:
    """Rows ``(guild_id, tier, bucket, members, side)`` where the counts differ from a full
    count: ``side`` 'stored' for a stored row no full count gives, 'counted' the reverse."""
    stored = ('SELECT "guild_id", "tier", "bucket", "members" FROM "guild_xp_buckets" '
              'WHERE "members" <> 0')
    expected = f"SELECT * FROM ({_expected_sql()}) x"  # noqa: S608 (one EXCEPT operand)
    return (
        f"SELECT *, 'stored' AS \"side\" FROM ({stored} EXCEPT {expected}) s "  # noqa: S608
        f"UNION ALL SELECT *, 'counted' FROM ({expected} EXCEPT {stored}) e"
    )


async def damaged_guilds(conn: BaseDBAsyncClient) -> list[int]:
    """Guilds whose counts differ from a full count (a full read of ``guild_members``)."""
    rows = await conn.execute_query_dict(
        f'SELECT DISTINCT "guild_id" FROM ({mismatch_sql()}) m ORDER BY "guild_id"'  # noqa: S608
    )
    return [int(r["guild_id"]) for r in rows]


async def rebuild(conn: BaseDBAsyncClient, guild_id: int | None = None) -> int:
    """Recompute the counts (of one guild, or all) from ``guild_members`` on ``conn`` (a
    transaction; on PostgreSQL writes to ``guild_members`` wait until it commits).
    Idempotent; returns the number of bucket rows written."""
    if conn.schema_generator.DIALECT == "postgres":
        await conn.execute_script('LOCK TABLE "guild_members" IN SHARE MODE')
    where, params = "", []
    if guild_id is not None:
        (g,) = placeholders(conn, 1, 1)
        where, params = f' WHERE "guild_id" = {g}', [guild_id]
    await conn.execute_query(f'DELETE FROM "guild_xp_buckets"{where}', params)  # noqa: S608
    if guild_id is not None:
        g1, g2 = placeholders(conn, 2, 1)
        sql = _expected_sql((f' WHERE "guild_id" = {g1}', f' WHERE "guild_id" = {g2}'))
        params = [guild_id, guild_id]
    else:
        sql = _expected_sql()
    await conn.execute_query(
        'INSERT INTO "guild_xp_buckets" ("guild_id", "tier", "bucket", "members") '
        + sql, params
    )
    rows = await conn.execute_query_dict(
        f'SELECT COUNT(*) AS "n" FROM "guild_xp_buckets"{where}', params[:1]  # noqa: S608
    )
    return int(rows[0]["n"])
