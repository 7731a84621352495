"""The public statistics page of a guild (``/g/<guild_id>/stats``) on the dashboard.

Commands per day over 30 or 90 days, active members per day and the top commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugins.api import PageRequest, PublicPage
from core.web.charts import bar_chart
from core.web.params import bounded
from plugins.analytics.daily import per_day
from plugins.analytics.service import top_commands

PERIODS = (30, 90)


async def _render(request: PageRequest) -> dict[str, Any]:
    days = bounded(request.query.get("days", "30"), 1, max(PERIODS))
    if days not in PERIODS:
        days = 30
    series = await per_day(request.guild_id, days)
    return {
        "days": days, "periods": PERIODS,
        "commands": bar_chart("Commands per day",
                              [(d.day.isoformat(), d.commands) for d in series], "commands"),
        "members": bar_chart("Active members per day",
                             [(d.day.isoformat(), d.members) for d in series], "members"),
        "top": await top_commands(request.guild_id, days),
        "total": sum(d.commands for d in series),
    }


def public_pages() -> list[PublicPage]:
    """The "Statistics" page."""
    template = (Path(__file__).parent / "stats.html").read_text(encoding="utf-8")
    return [PublicPage("stats", "Statistics", template, _render)]
