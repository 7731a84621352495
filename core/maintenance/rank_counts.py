"""The leaderboard's bucket counts (``guild_xp_buckets``): checked and repaired weekly.

Triggers keep the counts exact in the writing transaction, so a difference means someone
wrote around them (a hand-run SQL session with triggers off, a partial restore). The
integrity check ``core.xp_buckets`` (``core.maintenance.integrity``) lists the
differences; the job ``core.rank_counts``, run after ``core.integrity``, rebuilds the
counts of each guild that differs, one guild per transaction (idempotent: a clean
database writes nothing).
"""

from __future__ import annotations

from tortoise import connections

from core.db.database import CONNECTION
from core.maintenance.jobs import JobContext, JobResult
from core.services import xp_ranks


async def repair_rank_counts(ctx: JobContext) -> JobResult:
    """Rebuild the counts of every guild whose counts differ from a full count."""
    guilds = await xp_ranks.damaged_guilds(connections.get(CONNECTION))
    if ctx.dry_run or not guilds:
        return JobResult(len(guilds), f"{len(guilds)} guild(s) with wrong rank counts")
    rows = 0
    for guild_id in guilds:
        ctx.check_running()
        async with ctx.transaction() as conn:
            rows += await xp_ranks.rebuild(conn, guild_id)
    return JobResult(rows, f"rebuilt the rank counts of {len(guilds)} guild(s)")
