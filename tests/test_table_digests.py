"""``tests.helpers.table_digests``: the "nothing written" check sees every kind of write.

Row counts miss an UPDATE; the digest must not. Each planted write goes through raw SQL
(as a buggy command's would) on a database with rows in every table, on both engines.
"""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from tests.core.services.privacy_support import seed_guild, seed_user_extras
from tests.helpers import (
    DIGEST_SKIPPED_TABLES,
    changed_tables,
    execute,
    fetch,
    table_digests,
)

GUILD, USER, MOD = 100, 7, 8


async def seeded() -> dict[str, str]:
    """Rows in every table; the digests of that state."""
    await seed_guild(GUILD, USER, MOD)
    await seed_user_extras(USER)
    return await table_digests()


async def test_every_table_of_every_app_is_digested(guildhall_db) -> None:
    digests = await seeded()
    registered = {m._meta.db_table for app in Tortoise.apps.values() for m in app.values()}
    assert set(digests) == registered - DIGEST_SKIPPED_TABLES
    assert await table_digests() == digests  # reading changes nothing


@pytest.mark.parametrize("table, statement", [
    ("guild_members", "UPDATE guild_members SET coins = coins + 1"),  # same row count
    ("warnings", "UPDATE warnings SET active = NOT active"),
    ("shop_items", "UPDATE shop_items SET name = 'vip'"),  # case only
    ("users", "UPDATE users SET global_xp = global_xp + 1"),
    ("custom_commands", "DELETE FROM custom_commands"),
    ("level_exclusions", "INSERT INTO level_exclusions (guild_id, target_id, kind) "
                         "VALUES (100, 9, 'channel')"),
])
async def test_a_planted_write_changes_its_table_digest(
    guildhall_db, table: str, statement: str
) -> None:
    before = await seeded()
    await execute(statement)
    assert changed_tables(before, await table_digests()) == [table]


async def test_an_update_that_keeps_the_row_count_is_seen(guildhall_db) -> None:
    before = await seeded()
    (count_before,) = await fetch("SELECT COUNT(*) FROM guild_members")
    await execute("UPDATE guild_members SET xp = 51 WHERE guild_id = 100")
    assert await fetch("SELECT COUNT(*) FROM guild_members") == [count_before]
    # the rank counts follow XP through triggers: the member moved to another XP range
    assert changed_tables(before, await table_digests()) == ["guild_members",
                                                             "guild_xp_buckets"]


async def test_only_the_activity_columns_are_ignored(guildhall_db) -> None:
    before = await seeded()
    await execute("UPDATE users SET username = 'renamed', last_seen = created_at")
    assert changed_tables(before, await table_digests()) == []
    await execute("UPDATE users SET global_level = 2")
    assert changed_tables(before, await table_digests()) == ["users"]
