"""Moderation retention and integrity on both engines: exact boundaries, mod_actions kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plugins.moderation.models import ModAction, TempPunishment, Warning
from tests.core.maintenance.maintenance_support import DAY, SUNDAY, around, engine_for


async def test_warnings_expire_and_delete_exactly_at_the_cutoff(guildhall_db) -> None:
    expire_at, delete_at = around(SUNDAY - 90 * DAY), around(SUNDAY - 365 * DAY)
    for moment in expire_at + delete_at:
        await Warning.create(user_id=1, guild_id=2, moderator_id=3, created_at=moment)
        await ModAction.create(guild_id=2, moderator_id=3, target_id=1, action_type="warn",
                               created_at=moment)
    engine = engine_for(guildhall_db)
    [expire] = await engine.run_jobs(["moderation.warnings.expire"], now=SUNDAY)
    assert expire.rows == 4  # one second past 90 days, and the three 365-day-old ones
    inactive = await Warning.filter(active=False).values_list("created_at", flat=True)
    assert sorted(inactive) == sorted([expire_at[0], *delete_at])
    [delete] = await engine.run_jobs(["moderation.warnings.delete"], now=SUNDAY)
    assert delete.rows == 1
    left = await Warning.all().values_list("created_at", flat=True)
    assert sorted(left) == sorted([*expire_at, *delete_at[1:]])
    assert await ModAction.all().count() == 6  # the audit log is never cleaned


async def test_warning_retention_follows_the_configuration(guildhall_db) -> None:
    await Warning.create(user_id=1, guild_id=2, moderator_id=3, created_at=SUNDAY - 40 * DAY)
    engine = engine_for(guildhall_db, warning_expire_days=30, warning_delete_days=60)
    reports = await engine.run_jobs(["moderation.warnings.expire",
                                     "moderation.warnings.delete"], now=SUNDAY)
    assert [r.rows for r in reports] == [1, 0]
    assert not (await Warning.get()).active


async def test_overdue_punishment_is_an_integrity_problem(guildhall_db) -> None:
    from plugins.moderation.maintenance import overdue_punishments

    now = datetime.now(UTC)
    await TempPunishment.create(user_id=1, guild_id=2, punishment_type="ban",
                                expires_at=now - timedelta(minutes=10), attempts=2)
    await TempPunishment.create(user_id=3, guild_id=2, punishment_type="ban",
                                expires_at=now - timedelta(minutes=2))
    await TempPunishment.create(user_id=4, guild_id=2, punishment_type="mute",
                                expires_at=now - timedelta(hours=1), failed_at=now)
    problems = await overdue_punishments()
    assert len(problems) == 1
    assert "ban of user 1 in guild 2" in problems[0] and "2 attempt(s)" in problems[0]
