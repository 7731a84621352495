"""Restore on both engines: refuses what it must, changes nothing when it refuses."""

from __future__ import annotations

import json
import sqlite3

import asyncpg
import pytest

from core.backup.files import BackupError, manifest_path
from core.backup.restore import restore_backup
from core.backup.service import backup_now
from core.db.database import sqlite_path
from tests.core.backup.backup_support import (
    COMPARED_TABLES,
    flip_byte,
    populate,
    read_rows,
    table_count,
    with_backup,
)


@pytest.fixture
async def backup(guildhall_db, guildhall_settings, tmp_path):
    """A verified backup of a populated database."""
    await populate(200)
    return await backup_now(with_backup(guildhall_settings, tmp_path / "backups"))


@pytest.fixture
async def occupied_target(guildhall_engine, guildhall_database_factory, guildhall_settings):
    """A migrated database with one row of its own."""
    url = await guildhall_database_factory.create_migrated(guildhall_engine, guildhall_settings)
    source = guildhall_settings.database.url.get_secret_value()
    # Write through a second, raw connection so the ORM stays on the source database.
    if guildhall_engine == "sqlite":
        conn = sqlite3.connect(sqlite_path(url))
        conn.execute("INSERT INTO guild_config (guild_id, prefix) VALUES (424242, '%')")
        conn.commit()
        conn.close()
    else:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        await conn.execute("INSERT INTO guild_config (guild_id, prefix) VALUES (424242, '%')")
        await conn.close()
    assert url != source
    return url


async def snapshot(url: str) -> dict[str, list[tuple]]:
    return {table: await read_rows(url, table) for table in (*COMPARED_TABLES, "aerich")}


async def test_refuses_a_non_empty_target_and_changes_nothing(backup, occupied_target) -> None:
    before = await snapshot(occupied_target)
    with pytest.raises(BackupError, match=r"not empty \(table 'guild_config' has rows\).*--force"):
        await restore_backup(backup.path, occupied_target)
    assert await snapshot(occupied_target) == before


async def test_force_overwrites_a_non_empty_target(
    backup, occupied_target, guildhall_settings
) -> None:
    result = await restore_backup(backup.path, occupied_target, force=True)
    assert result.tables == backup.manifest.tables
    source = guildhall_settings.database.url.get_secret_value()
    assert await snapshot(occupied_target) == await snapshot(source)
    assert (424242,) not in [row[:1] for row in await read_rows(occupied_target, "guild_config")]


async def test_checksum_tampering_is_detected(
    backup, guildhall_engine, guildhall_database_factory
) -> None:
    target = await guildhall_database_factory.create_empty(guildhall_engine)
    flip_byte(backup.path, backup.manifest.size_bytes // 2)
    with pytest.raises(BackupError, match="checksum mismatch"):
        await restore_backup(backup.path, target)
    assert await table_count(target) == 0  # nothing was created or written


async def test_engine_mismatch_is_a_clear_error(backup, guildhall_engine, tmp_path) -> None:
    other = ("postgres://postgres@127.0.0.1:5432/nowhere" if guildhall_engine == "sqlite"
             else f"sqlite://{tmp_path}/x.db")
    with pytest.raises(BackupError, match=f"is a {guildhall_engine} backup but the target"):
        await restore_backup(backup.path, other)
    assert not (tmp_path / "x.db").exists()


async def test_missing_or_unverified_manifest_is_refused(
    backup, guildhall_engine, guildhall_database_factory
) -> None:
    target = await guildhall_database_factory.create_empty(guildhall_engine)
    path = manifest_path(backup.path)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "verified": False, "error": "integrity check failed"}))
    with pytest.raises(BackupError, match="failed verification when it was made"):
        await restore_backup(backup.path, target)
    path.unlink()
    with pytest.raises(BackupError, match="no readable manifest"):
        await restore_backup(backup.path, target)
    with pytest.raises(BackupError, match="backup file not found"):
        await restore_backup(backup.path.with_name("missing.dump"), target)
