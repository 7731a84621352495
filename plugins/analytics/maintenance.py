"""Weekly rollup of ``command_stats`` into ``command_stats_weekly`` and raw retention.

The rollup recomputes every complete ISO week (Monday 00:00 UTC) that still has raw
rows and writes its totals with an upsert that SETS the values: running it twice gives
the same weekly rows. Raw rows are deleted afterwards (job ``after`` the rollup) with a
cutoff floored to a week start, so raw rows always leave in whole weeks: a week either
has all its raw rows (and its rollup is exact) or none (and its rollup is kept as is).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.plugins.api import (
    CONNECTION,
    MaintenanceContext,
    RetentionKind,
    RetentionPolicy,
    Schedule,
    Settings,
    start_of_week,
)
from plugins.analytics.models import CommandStat

ROLLUP_JOB = "analytics.command_stats.rollup"
WEEK = timedelta(days=7)
_RANGE = '"executed_at" >= {a} AND "executed_at" < {b}'


def retention_policies(settings: Settings) -> list[RetentionPolicy]:
    """Weekly rollup, then weekly deletion of raw rows past retention (whole weeks)."""
    return [
        RetentionPolicy(
            name=ROLLUP_JOB,
            kind=RetentionKind.ROLLUP,
            model=CommandStat,
            schedule=Schedule.WEEKLY,
            rollup=rollup_command_stats,
        ),
        RetentionPolicy(
            name="analytics.command_stats.delete",
            kind=RetentionKind.DELETE,
            model=CommandStat,
            schedule=Schedule.WEEKLY,
            age_column="executed_at",
            older_than=timedelta(days=settings.maintenance.command_stats_retention_days),
            cutoff_floor=start_of_week,
            after=(ROLLUP_JOB,),
        ),
    ]


def _marks(conn: BaseDBAsyncClient) -> tuple[str, str, str]:
    if conn.schema_generator.DIALECT == "postgres":
        return "$1::date", "$2", "$3"
    return "?", "?", "?"


async def _groups(conn: BaseDBAsyncClient, start: datetime) -> int:
    """How many (guild, command) groups the week starting at ``start`` has."""
    pg = conn.schema_generator.DIALECT == "postgres"
    a, b = ("$1", "$2") if pg else ("?", "?")
    _, rows = await conn.execute_query(
        'SELECT COUNT(*) AS "n" FROM (SELECT 1 AS "one" FROM "command_stats" '  # noqa: S608
        f'WHERE {_RANGE.format(a=a, b=b)} GROUP BY "guild_id", "command_name") g',
        [start, start + WEEK],
    )
    return int(rows[0]["n"])


async def _write_week(conn: BaseDBAsyncClient, start: datetime) -> None:
    """Upsert the week's totals (rows without a guild are replaced: NULL never conflicts)."""
    day, a, b = _marks(conn)
    params = [start.date(), start, start + WEEK]
    select = (
        f'SELECT {day}, "guild_id", "command_name", COUNT(*), COUNT(DISTINCT "user_id") '  # noqa: S608
        f'FROM "command_stats" WHERE {_RANGE.format(a=a, b=b)}'
    )
    columns = '"week_start", "guild_id", "command_name", "uses", "unique_users"'
    await conn.execute_query(
        f'INSERT INTO "command_stats_weekly" ({columns}) {select} '
        'AND "guild_id" IS NOT NULL GROUP BY "guild_id", "command_name" '
        'ON CONFLICT ("week_start", "guild_id", "command_name") DO UPDATE SET '
        '"uses" = excluded."uses", "unique_users" = excluded."unique_users"',
        params,
    )
    await conn.execute_query(
        f'DELETE FROM "command_stats_weekly" WHERE "week_start" = {day} '  # noqa: S608
        'AND "guild_id" IS NULL',
        params[:1],
    )
    await conn.execute_query(
        f'INSERT INTO "command_stats_weekly" ({columns}) {select} '
        'AND "guild_id" IS NULL GROUP BY "guild_id", "command_name"',
        params,
    )


async def rollup_command_stats(ctx: MaintenanceContext) -> int:
    """Roll up every complete week with raw rows; return the weekly rows (re)written."""
    current = start_of_week(ctx.now)
    first = await CommandStat.filter(executed_at__lt=current).order_by("executed_at").first()
    if first is None:
        return 0
    week = start_of_week(first.executed_at)
    written = 0
    while week < current:
        ctx.check_running()
        if ctx.dry_run:
            groups = await _groups(connections.get(CONNECTION), week)
        else:
            async with ctx.transaction() as conn:
                groups = await _groups(conn, week)
                if groups:
                    await _write_week(conn, week)
        written += groups
        week += WEEK
    return written
