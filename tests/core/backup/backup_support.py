"""Helpers for the backup and restore tests: settings, sample data, raw reads of any URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg

from core.db.database import sqlite_path
from core.db.models import GuildConfig, GuildMember, User
from core.runtime.config import Settings
from plugins.economy.models import Transaction
from plugins.moderation.models import ModAction

COMPARED_TABLES = ("users", "guild_members", "guild_config", "transactions", "mod_actions")


def with_backup(settings: Settings, directory: Path, **backup: Any) -> Settings:
    """A copy of ``settings`` whose backups go to ``directory``."""
    copy = settings.model_copy(deep=True)
    copy.backup.directory = str(directory)
    for key, value in backup.items():
        setattr(copy.backup, key, value)
    return copy


async def populate(count: int) -> None:
    """Rows in several tables through the ORM (users, members, config, money, audit)."""
    await User.bulk_create([User(user_id=i, username=f"user {i} ü'\"") for i in range(1, count)])
    await GuildConfig.bulk_create([GuildConfig(guild_id=g, prefix=f"?{g}") for g in range(1, 4)])
    await GuildMember.bulk_create(
        [GuildMember(user_id=i, guild_id=1 + i % 3, xp=i * 7, coins=i) for i in range(1, count)]
    )
    await Transaction.bulk_create([
        Transaction(user_id=i, guild_id=1, amount=i - 50, transaction_type="work",
                    description=None if i % 2 else f"job {i}")
        for i in range(1, count)
    ])
    await ModAction.bulk_create([
        ModAction(guild_id=1, moderator_id=9, target_id=i, action_type="warn", reason="spam")
        for i in range(1, count // 10 + 2)
    ])


async def read_rows(url: str, table: str) -> list[tuple]:
    """Every row of ``table`` in the database at ``url``, sorted (bypasses the ORM)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sqlite_path(url))
        try:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
        finally:
            conn.close()
        return sorted(tuple(row) for row in rows)
    pg = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        records = await pg.fetch(f'SELECT * FROM "{table}"')
    finally:
        await pg.close()
    return sorted(tuple(record) for record in records)


async def sqlite_integrity(url: str) -> str:
    """``PRAGMA integrity_check`` of a SQLite URL (``"ok"`` when sound)."""
    conn = sqlite3.connect(sqlite_path(url))
    try:
        return ";".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def flip_byte(path: Path, offset: int) -> None:
    """Change one byte of a file in place (same size): simulated tampering or bit rot."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


async def table_count(url: str) -> int:
    """How many tables the database at ``url`` has (0 for a missing SQLite file)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if not path.exists():
            return 0
        conn = sqlite3.connect(path)
        try:
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            return conn.execute(query).fetchone()[0]
        finally:
            conn.close()
    pg = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        return await pg.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await pg.close()
