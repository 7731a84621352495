"""Per-day command statistics for charts (the web dashboard's stats page).

Reads raw ``command_stats`` rows only (kept ``command_stats_retention_days``, 90 by
default): days older than the raw rows show as zero, with :func:`raw_start` telling
the page from when the series is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise import connections, timezone

from core.plugins.api import placeholders

CONNECTION = "default"


@dataclass(frozen=True)
class DayStats:
    """Commands run and distinct members running them on one UTC day."""

    day: date
    commands: int
    members: int


async def per_day(guild_id: int, days: int, *, now: datetime | None = None) -> list[DayStats]:
    """The last ``days`` UTC days (oldest first, today last), zero-filled."""
    if not 1 <= days <= 366:
        raise ValueError("days must be between 1 and 366")
    today = (now or timezone.now()).astimezone(timezone.get_default_timezone()).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=timezone.get_default_timezone())
    conn = connections.get(CONNECTION)
    a, b = placeholders(conn, 2, 1)
    if conn.schema_generator.DIALECT == "postgres":
        day = "to_char(\"executed_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    else:
        day = 'substr("executed_at", 1, 10)'
    rows = await conn.execute_query_dict(
        f'SELECT {day} AS "day", COUNT(*) AS "n", COUNT(DISTINCT "user_id") AS "m" '  # noqa: S608
        f'FROM "command_stats" WHERE "executed_at" >= {a} AND "guild_id" = {b} GROUP BY 1',
        [since, guild_id],
    )
    found = {str(r["day"]): (int(r["n"]), int(r["m"])) for r in rows}
    series = []
    for i in range(days):
        d = first + timedelta(days=i)
        n, m = found.get(d.isoformat(), (0, 0))
        series.append(DayStats(d, n, m))
    return series
