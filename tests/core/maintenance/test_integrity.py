"""Integrity checks on both engines: planted problems are found, clean data passes."""

from __future__ import annotations

from core.db.models import GuildMember, User
from core.maintenance.integrity import (
    PROBLEM_LIMIT,
    collect_checks,
    orphan_guild_members,
    run_checks,
)
from core.plugins.contracts import IntegrityCheck
from tests.core.maintenance.maintenance_support import SUNDAY, engine_for, plant_orphan_member


async def test_clean_database_passes_every_check(guildhall_db) -> None:
    await User.create(user_id=1, username="a")
    await GuildMember.create(user_id=1, guild_id=2)
    outcomes = await run_checks(collect_checks(guildhall_db.plugins, guildhall_db.settings))
    names = {o.name for o in outcomes}
    assert {"core.orphan_guild_members", "economy.balances",
            "moderation.overdue_punishments"} <= names
    assert all(o.ok for o in outcomes)


async def test_orphan_guild_member_is_found(guildhall_db) -> None:
    await plant_orphan_member(77, 5)
    [problem] = await orphan_guild_members()
    assert "user 77 (guild 5) has no users row" in problem


async def test_many_problems_are_capped_with_a_note(guildhall_db) -> None:
    for user_id in range(PROBLEM_LIMIT + 5):
        await plant_orphan_member(1000 + user_id, 5)
    problems = await orphan_guild_members()
    assert len(problems) == PROBLEM_LIMIT + 1 and problems[-1].startswith("... more than")


async def test_a_broken_check_is_reported_not_clean(guildhall_db) -> None:
    async def broken() -> list[str]:
        raise RuntimeError("no such table")

    [outcome] = await run_checks([("x", IntegrityCheck("x.broken", broken))])
    assert not outcome.ok and "RuntimeError: no such table" in outcome.error


async def test_weekly_job_records_the_problem_count(guildhall_db, caplog) -> None:
    await plant_orphan_member(77, 5)
    [report] = await engine_for(guildhall_db).run_jobs(["core.integrity"], now=SUNDAY)
    assert report.ok and report.rows == 1
    assert "core.orphan_guild_members" in report.detail
    assert "user 77 (guild 5) has no users row" in caplog.text
