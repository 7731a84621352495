"""``mod_actions`` and ``mod_action_amendments`` cannot be rewritten, even with raw SQL.

Plain UPDATE and DELETE, and the statements that rewrite rows without an UPDATE or
DELETE trigger firing on some engines (SQLite ``REPLACE``, PostgreSQL ``TRUNCATE``,
upserts), are all refused by the database on both engines; the rows stay as written.
"""

from __future__ import annotations

import pytest

from plugins.moderation import cases
from tests.helpers import execute, fetch

pytestmark = pytest.mark.reliability

COLUMNS = '"id", "guild_id", "moderator_id", "target_id", "action_type", "reason", "case_number"'
BOTH = [
    'UPDATE "mod_actions" SET "reason" = \'rewritten\'',
    'UPDATE "mod_actions" SET "target_id" = 0 WHERE "case_number" = 1',
    'DELETE FROM "mod_actions"',
    'DELETE FROM "mod_actions" WHERE "guild_id" = 7',
    'UPDATE "mod_action_amendments" SET "reason" = \'rewritten\'',
    'DELETE FROM "mod_action_amendments"',
    f'INSERT INTO "mod_actions" ({COLUMNS}) VALUES ({{id}}, 7, 1, 2, \'warn\', \'forged\', 9) '
    'ON CONFLICT ("id") DO UPDATE SET "reason" = \'forged\'',
]
SQLITE_ONLY = [
    f'REPLACE INTO "mod_actions" ({COLUMNS}) VALUES ({{id}}, 7, 1, 2, \'warn\', \'forged\', 1)',
    f'INSERT OR REPLACE INTO "mod_actions" ({COLUMNS}) '
    'VALUES (999, 7, 1, 2, \'warn\', \'forged\', 1)',
    'INSERT OR REPLACE INTO "mod_action_amendments" ("id", "guild_id", "case_number", '
    '"moderator_id", "reason") VALUES ({amendment}, 7, 1, 1, \'forged\')',
]
POSTGRES_ONLY = [
    'TRUNCATE "mod_actions"',
    'TRUNCATE "mod_action_amendments"',
    'TRUNCATE "mod_actions", "mod_action_amendments" CASCADE',
]


async def snapshot() -> tuple[list[tuple], list[tuple]]:
    """Every row of both tables."""
    return (
        await fetch('SELECT "id", "guild_id", "target_id", "reason", "case_number" '
                    'FROM "mod_actions" ORDER BY "id"'),
        await fetch('SELECT "id", "case_number", "reason" FROM "mod_action_amendments" '
                    'ORDER BY "id"'),
    )


async def test_the_log_cannot_be_rewritten(guildhall_db, guildhall_engine: str) -> None:
    action = await cases.record_action(7, 1, 2, "warn", "spam")
    await cases.record_action(7, 1, 3, "kick", "raid")
    assert await cases.amend(7, 1, 1, "spam in #general")
    amendment = (await fetch('SELECT "id" FROM "mod_action_amendments"'))[0][0]
    before = await snapshot()
    statements = BOTH + (SQLITE_ONLY if guildhall_engine == "sqlite" else POSTGRES_ONLY)
    accepted = []
    for sql in statements:
        try:
            await execute(sql.format(id=action.id, amendment=amendment))
        except Exception as exc:
            assert "append-only" in str(exc), (sql, exc)
        else:
            accepted.append(sql)
        assert await snapshot() == before, f"rows changed by: {sql}"
    assert not accepted, f"the database accepted: {accepted}"
    print(f"\n{len(statements)} rewriting statements refused on {guildhall_engine}")
