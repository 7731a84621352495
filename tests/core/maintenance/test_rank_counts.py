"""The rank counts' integrity check and weekly repair: damage is listed, then rebuilt."""

from __future__ import annotations

from core.db.models import GuildMember, GuildXpBucket, User
from core.maintenance.integrity import xp_bucket_problems
from core.services import xp, xp_ranks
from tests.core.maintenance.maintenance_support import SUNDAY, engine_for

GUILD = 4


async def _members() -> None:
    for user_id in range(1, 21):
        await User.create(user_id=user_id, username=f"u{user_id}")
        await GuildMember.create(user_id=user_id, guild_id=GUILD, xp=(user_id * 389) % 2000)
        await GuildMember.create(user_id=user_id, guild_id=GUILD + 1, xp=user_id)


async def test_clean_counts_pass_and_the_repair_writes_nothing(guildhall_db) -> None:
    await _members()
    assert await xp_bucket_problems() == []
    [report] = [r for r in await engine_for(guildhall_db).run_jobs(["core.rank_counts"],
                                                                   now=SUNDAY)
                if r.name == "core.rank_counts"]
    assert report.ok and report.rows == 0


async def test_damaged_counts_are_listed_then_rebuilt_for_that_guild_only(guildhall_db) -> None:
    await _members()
    fine = await GuildXpBucket.filter(guild_id=GUILD, tier=xp_ranks.FINE).first()
    assert fine is not None
    await GuildXpBucket.filter(id=fine.id).update(members=fine.members + 5)
    await GuildXpBucket.filter(guild_id=GUILD, tier=xp_ranks.COARSE).delete()
    untouched = await GuildXpBucket.filter(guild_id=GUILD + 1).order_by("id").values_list(
        "id", "members")
    problems = await xp_bucket_problems()
    assert any(f"guild {GUILD}: fine XP range {fine.bucket} stores {fine.members + 5}" in p
               for p in problems)
    assert any(f"guild {GUILD}: coarse XP range" in p and "should count" in p for p in problems)
    assert await xp.ranked_members(GUILD) == 0  # what the damage does to the board

    reports = await engine_for(guildhall_db).run_jobs(["core.rank_counts"], now=SUNDAY)
    assert [r.name for r in reports] == ["core.integrity", "core.rank_counts"]
    assert all(r.ok for r in reports) and reports[1].rows > 0
    assert await xp_bucket_problems() == []
    assert await xp.ranked_members(GUILD) == 20
    assert await GuildXpBucket.filter(guild_id=GUILD + 1).order_by("id").values_list(
        "id", "members") == untouched  # another guild's rows were not rewritten
