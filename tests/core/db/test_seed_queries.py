"""Every example query of the seed document runs against a database migrated to head.

SQLite runs the seed's SQL unchanged; PostgreSQL runs the same queries with its own
interval syntax and placeholders. Both must return the same rows for the same fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.db.models import GuildConfig, GuildMember, User
from plugins.economy.models import Transaction
from plugins.moderation.models import ModAction, TempPunishment, Warning
from tests.helpers import execute, fetch

GUILD, OTHER_GUILD = 1001, 1002
ALICE, BOB, CAROL = 11, 12, 13
MOD_A, MOD_B = 21, 22


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


async def load_fixture() -> None:
    """Users, memberships, config, warnings, mod log, punishments and transactions."""
    for uid, name, gxp, seen in ((ALICE, "alice", 900, 1), (BOB, "bob", 300, 120),
                                 (CAROL, "carol", 600, 200)):
        await User.create(user_id=uid, username=name, global_xp=gxp, last_seen=ago(seen))
    for uid, xp, coins in ((ALICE, 500, 10), (BOB, 100, 70), (CAROL, 300, 40)):
        await GuildMember.create(user_id=uid, guild_id=GUILD, xp=xp, coins=coins, level=2)
    await GuildMember.create(user_id=ALICE, guild_id=OTHER_GUILD, xp=5000, coins=1)
    await GuildConfig.create(guild_id=GUILD, prefix="?", welcome_channel_id=77)
    for uid, days, active in ((BOB, 10, True), (BOB, 100, True), (CAROL, 5, True),
                              (CAROL, 400, False), (BOB, 2, False)):
        await Warning.create(user_id=uid, guild_id=GUILD, moderator_id=MOD_A,
                             reason=f"r{days}", created_at=ago(days), active=active)
    for mod, target, action, days in ((MOD_A, BOB, "warn", 3), (MOD_A, BOB, "mute", 2),
                                      (MOD_B, CAROL, "ban", 1), (MOD_A, CAROL, "kick", 40)):
        await ModAction.create(guild_id=GUILD, moderator_id=mod, target_id=target,
                               action_type=action, reason="x", created_at=ago(days))
    await TempPunishment.create(user_id=BOB, guild_id=GUILD, punishment_type="mute",
                                expires_at=ago(0.01))
    await TempPunishment.create(user_id=CAROL, guild_id=GUILD, punishment_type="ban",
                                expires_at=ago(-1))
    for uid, amount, kind, days in ((ALICE, 100, "daily", 1), (ALICE, -30, "gamble", 2),
                                    (BOB, 50, "work", 1), (BOB, -20, "gamble", 20),
                                    (ALICE, 25, "work", 40)):
        await Transaction.create(user_id=uid, guild_id=GUILD, amount=amount,
                                 transaction_type=kind, created_at=ago(days))


def sql_for(engine: str, sqlite_sql: str) -> str:
    """The seed's SQLite query, or its PostgreSQL equivalent (intervals, placeholders)."""
    if engine == "sqlite":
        return sqlite_sql
    out = sqlite_sql
    for days in ("7", "30", "90", "365"):
        out = out.replace(f"datetime('now', '-{days} days')", f"NOW() - INTERVAL '{days} days'")
    index = 0
    while "?" in out:
        index += 1
        out = out.replace("?", f"${index}", 1)
    return out


@pytest.fixture
async def seeded(guildhall_db, guildhall_engine):
    await load_fixture()
    return guildhall_engine


async def q(engine: str, sql: str, *params) -> list[tuple]:
    return await fetch(sql_for(engine, sql), list(params))


async def test_users_queries(seeded):
    rows = await q(seeded, "SELECT username, global_xp, global_level, last_seen "
                           "FROM users WHERE user_id = ?;", ALICE)
    assert [(r[0], r[1], r[2]) for r in rows] == [("alice", 900, 1)]
    rows = await q(seeded, "SELECT username, global_xp, global_level FROM users "
                           "ORDER BY global_xp DESC LIMIT 10;")
    assert [r[0] for r in rows] == ["alice", "carol", "bob"]
    rows = await q(seeded, "SELECT COUNT(*) FROM users "
                           "WHERE last_seen < datetime('now', '-90 days');")
    assert rows == [(2,)]


async def test_guild_members_queries(seeded):
    rows = await q(seeded, """
        SELECT u.username, gm.xp, gm.level, gm.coins
        FROM guild_members gm
        JOIN users u ON gm.user_id = u.user_id
        WHERE gm.user_id = ? AND gm.guild_id = ?;""", ALICE, GUILD)
    assert rows == [("alice", 500, 2, 10)]
    rows = await q(seeded, """
        SELECT u.username, gm.xp, gm.level
        FROM guild_members gm
        JOIN users u ON gm.user_id = u.user_id
        WHERE gm.guild_id = ?
        ORDER BY gm.xp DESC
        LIMIT 10;""", GUILD)
    assert [r[0] for r in rows] == ["alice", "carol", "bob"]
    rows = await q(seeded, """
        SELECT u.username, gm.coins
        FROM guild_members gm
        JOIN users u ON gm.user_id = u.user_id
        WHERE gm.guild_id = ?
        ORDER BY gm.coins DESC
        LIMIT 10;""", GUILD)
    assert rows == [("bob", 70), ("carol", 40), ("alice", 10)]


async def test_guild_config_queries(seeded):
    rows = await q(seeded, "SELECT prefix, welcome_channel_id, xp_enabled "
                           "FROM guild_config WHERE guild_id = ?;", GUILD)
    assert [(r[0], r[1], bool(r[2])) for r in rows] == [("?", 77, True)]
    await q(seeded, "UPDATE guild_config SET prefix = ?, updated_at = CURRENT_TIMESTAMP "
                    "WHERE guild_id = ?;", "$", GUILD)
    assert (await GuildConfig.get(guild_id=GUILD)).prefix == "$"
    await q(seeded, "INSERT INTO guild_config (guild_id, prefix) VALUES (?, '!');", 555)
    created = await GuildConfig.get(guild_id=555)
    assert (created.prefix, created.xp_enabled, created.mute_role_id) == ("!", True, None)
    assert created.created_at is not None


async def test_warnings_queries(seeded):
    rows = await q(seeded, """
        SELECT id, reason, created_at, moderator_id
        FROM warnings
        WHERE user_id = ? AND guild_id = ? AND active = TRUE
        ORDER BY created_at DESC;""", BOB, GUILD)
    assert [r[1] for r in rows] == ["r10", "r100"]
    rows = await q(seeded, """
        SELECT user_id, COUNT(*) as warning_count
        FROM warnings
        WHERE guild_id = ? AND active = TRUE
        GROUP BY user_id
        ORDER BY warning_count DESC;""", GUILD)
    assert rows == [(BOB, 2), (CAROL, 1)]
    # Retention policy from the seed: expire after 90 days, delete after 365.
    await execute(sql_for(seeded, """
        UPDATE warnings
        SET active = FALSE
        WHERE created_at < datetime('now', '-90 days')
          AND active = TRUE;"""))
    assert await Warning.filter(active=True).count() == 2
    await execute(sql_for(seeded, """
        DELETE FROM warnings
        WHERE created_at < datetime('now', '-365 days');"""))
    assert sorted(await Warning.all().values_list("reason", flat=True)) == [
        "r10", "r100", "r2", "r5"]


async def test_mod_actions_queries(seeded):
    rows = await q(seeded, """
        SELECT action_type, reason, moderator_id, created_at
        FROM mod_actions
        WHERE target_id = ? AND guild_id = ?
        ORDER BY created_at DESC
        LIMIT 20;""", BOB, GUILD)
    assert [r[0] for r in rows] == ["mute", "warn"]
    rows = await q(seeded, """
        SELECT moderator_id, COUNT(*) as action_count
        FROM mod_actions
        WHERE guild_id = ?
          AND created_at > datetime('now', '-30 days')
        GROUP BY moderator_id
        ORDER BY action_count DESC;""", GUILD)
    assert rows == [(MOD_A, 2), (MOD_B, 1)]
    rows = await q(seeded, """
        SELECT action_type, COUNT(*) as count
        FROM mod_actions
        WHERE guild_id = ?
          AND created_at > datetime('now', '-30 days')
        GROUP BY action_type;""", GUILD)
    assert sorted(rows) == [("ban", 1), ("mute", 1), ("warn", 1)]


async def test_temp_punishments_queries(seeded):
    rows = await q(seeded, "SELECT * FROM temp_punishments "
                           "WHERE expires_at <= CURRENT_TIMESTAMP")
    assert [(r[1], r[3]) for r in rows] == [(BOB, "mute")]
    await q(seeded, "DELETE FROM temp_punishments WHERE id = ?", rows[0][0])
    assert await TempPunishment.all().count() == 1


async def test_transactions_queries(seeded):
    rows = await q(seeded, """
        SELECT amount, transaction_type, description, created_at
        FROM transactions
        WHERE user_id = ? AND guild_id = ?
        ORDER BY created_at DESC
        LIMIT 20;""", ALICE, GUILD)
    assert [r[0] for r in rows] == [100, -30, 25]
    rows = await q(seeded, """
        SELECT DATE(created_at) as date, SUM(amount) as total
        FROM transactions
        WHERE guild_id = ?
          AND amount > 0
          AND created_at > datetime('now', '-30 days')
        GROUP BY DATE(created_at);""", GUILD)
    assert sum(r[1] for r in rows) == 150 and len(rows) == 1
    rows = await q(seeded, """
        SELECT SUM(amount) as total_loss
        FROM transactions
        WHERE transaction_type = 'gamble'
          AND amount < 0
          AND created_at > datetime('now', '-7 days');""")
    assert rows == [(-30,)]


async def test_foreign_key_cascades_from_users(seeded):
    await execute("DELETE FROM users WHERE user_id = " + str(ALICE))
    assert await GuildMember.filter(user_id=ALICE).count() == 0
    assert await GuildMember.all().count() == 2
