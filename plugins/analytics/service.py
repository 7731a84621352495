"""Reading command statistics over any period: raw rows plus weekly rollups.

Raw rows leave in whole ISO weeks (see :mod:`plugins.analytics.maintenance`), so the raw data
covers every week from the week of the oldest raw row on. A period reaching further back
takes those older weeks from ``command_stats_weekly`` (whole weeks: the first week of the
period is counted in full when its raw rows are gone).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from tortoise import timezone
from tortoise.functions import Count, Sum

from core.plugins.api import start_of_week
from plugins.analytics.models import CommandStat, CommandStatWeekly


async def raw_start() -> datetime | None:
    """The week start from which raw rows are complete (``None``: no raw rows)."""
    first = await CommandStat.all().order_by("executed_at").first()
    return None if first is None else start_of_week(first.executed_at)


async def top_commands(
    guild_id: int, days: int, *, now: datetime | None = None, limit: int = 10
) -> list[tuple[str, int]]:
    """The guild's most used commands over the last ``days`` days, most used first."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    covered = await raw_start()
    totals: Counter[str] = Counter()
    raw_from = since if covered is None else max(since, covered)
    rows = await (
        CommandStat.filter(guild_id=guild_id, executed_at__gte=raw_from)
        .annotate(n=Count("id")).group_by("command_name").values("command_name", "n")
    )
    totals.update({row["command_name"]: int(row["n"]) for row in rows})
    first_week = start_of_week(since).date()
    weekly = CommandStatWeekly.filter(guild_id=guild_id, week_start__gte=first_week)
    if covered is not None:
        weekly = weekly.filter(week_start__lt=covered.date())
    if covered is None or first_week < covered.date():
        rolled = await (
            weekly.annotate(n=Sum("uses")).group_by("command_name")
            .values("command_name", "n")
        )
        totals.update({row["command_name"]: int(row["n"] or 0) for row in rolled})
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]


async def user_summary(
    guild_id: int, user_id: int, *, limit: int = 5
) -> tuple[int, list[tuple[str, int]]]:
    """The user's command uses in the guild (raw retention window) and their top commands."""
    rows = await (
        CommandStat.filter(guild_id=guild_id, user_id=user_id)
        .annotate(n=Count("id")).group_by("command_name").values("command_name", "n")
    )
    counts = sorted(
        ((row["command_name"], int(row["n"])) for row in rows),
        key=lambda item: (-item[1], item[0]),
    )
    return sum(n for _, n in counts), counts[:limit]
