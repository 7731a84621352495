"""The moderation log: append-only triggers (raw SQL), case numbers, amendments, stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import connections

from plugins.moderation import cases
from plugins.moderation.models import ModAction, ModActionAmendment


async def _raw(sql: str) -> None:
    await connections.get(cases.CONNECTION).execute_script(sql)


@pytest.mark.parametrize("sql", [
    'UPDATE "mod_actions" SET "reason" = \'rewritten\'',
    'UPDATE "mod_actions" SET "case_number" = 99 WHERE "case_number" = 1',
    'DELETE FROM "mod_actions"',
    'DELETE FROM "mod_actions" WHERE "case_number" = 1',
    'UPDATE "mod_action_amendments" SET "reason" = \'x\'',
    'DELETE FROM "mod_action_amendments"',
])
async def test_triggers_reject_update_and_delete(guildhall_db, sql: str) -> None:
    await cases.record_action(7, 1, 2, "warn", "spam")
    assert await cases.amend(7, 1, 1, "spam in #general")
    with pytest.raises(Exception, match="append-only"):
        await _raw(sql)
    action = await ModAction.get(guild_id=7, case_number=1)
    assert action.reason == "spam" and await ModAction.all().count() == 1
    assert [a.reason for a in await ModActionAmendment.all()] == ["spam in #general"]


async def test_orm_update_and_delete_are_rejected_too(guildhall_db) -> None:
    action = await cases.record_action(7, 1, 2, "kick")
    with pytest.raises(Exception, match="append-only"):
        await ModAction.filter(id=action.id).update(reason="x")
    with pytest.raises(Exception, match="append-only"):
        await action.delete()
    assert await ModAction.filter(id=action.id).count() == 1


async def test_inserts_still_work_with_raw_sql(guildhall_db) -> None:
    await _raw(
        'INSERT INTO "mod_actions" ("guild_id", "moderator_id", "target_id", "action_type",'
        ' "case_number") VALUES (7, 1, 2, \'warn\', 1)'
    )
    assert (await cases.record_action(7, 1, 2, "warn")).case_number == 2


async def test_case_numbers_are_sequential_per_guild(guildhall_db) -> None:
    numbers = [(await cases.record_action(g, 1, 2, "warn")).case_number for g in (7, 7, 8, 7, 8)]
    assert numbers == [1, 2, 1, 3, 2]
    assert await cases.get_case(7, 3) is not None and await cases.get_case(8, 3) is None


async def test_concurrent_actions_get_distinct_numbers(guildhall_db) -> None:
    actions = await asyncio.gather(*(cases.record_action(7, 1, n, "warn") for n in range(60)))
    assert sorted(a.case_number for a in actions) == list(range(1, 61))


async def test_duplicate_case_number_is_refused_by_the_database(guildhall_db) -> None:
    await cases.record_action(7, 1, 2, "warn")
    with pytest.raises(Exception, match="(?i)unique"):
        await _raw(
            'INSERT INTO "mod_actions" ("guild_id", "moderator_id", "target_id",'
            ' "action_type", "case_number") VALUES (7, 1, 2, \'warn\', 1)'
        )


async def test_amendments_append_and_are_guild_scoped(guildhall_db) -> None:
    action = await cases.record_action(7, 1, 2, "ban", "first")
    assert not await cases.amend(8, 1, 1, "other guild")
    assert not await cases.amend(7, 2, 1, "no such case")
    assert await cases.amend(7, 1, 3, "second")
    assert await cases.amend(7, 1, 4, "third")
    assert await cases.current_reason(action) == "third"
    assert [a.reason for a in await cases.amendments(7, 1)] == ["second", "third"]
    assert (await ModAction.get(id=action.id)).reason == "first"
    assert await ModActionAmendment.filter(guild_id=8).count() == 0


async def test_history_pages_newest_first(guildhall_db) -> None:
    for n in range(12):
        await cases.record_action(7, 1, 2 if n % 2 else 3, "warn", f"r{n}")
    rows, total = await cases.history(7, None, 1, per_page=5)
    assert total == 12 and [r.case_number for r in rows] == [12, 11, 10, 9, 8]
    rows, total = await cases.history(7, 2, 2, per_page=5)
    assert total == 6 and [r.case_number for r in rows] == [2]


async def test_modstats_counts_the_last_30_days(guildhall_db) -> None:
    for moderator, kind in [(1, "warn"), (1, "warn"), (1, "kick"), (2, "ban"), (2, "warn")]:
        await cases.record_action(7, moderator, 9, kind)
    await cases.record_action(8, 3, 9, "ban")
    stats = await cases.modstats(7)
    assert stats.moderators == [(1, 3), (2, 2)]
    assert stats.actions == [("warn", 3), ("ban", 1), ("kick", 1)]
    later = await cases.modstats(7, now=datetime.now(UTC) + timedelta(days=31))
    assert later.moderators == [] and later.actions == []
