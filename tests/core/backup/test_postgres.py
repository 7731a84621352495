"""PostgreSQL specifics: client tools, password handling, scratch-database verification."""

from __future__ import annotations

import asyncpg
import pytest

from core.backup.files import BackupError, manifest_path, read_manifest
from core.backup.postgres import PgTarget, find_tool, listed_tables
from core.backup.service import backup_now
from tests.core.backup.backup_support import populate, with_backup

pytestmark = pytest.mark.postgres


@pytest.fixture
def guildhall_engine(guildhall_services) -> str:
    """These tests are about PostgreSQL only."""
    if guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    return "postgres"


def test_missing_tool_is_a_clear_error() -> None:
    with pytest.raises(BackupError, match="pg_nosuchtool not found on PATH.*install the Post"):
        find_tool("pg_nosuchtool")
    assert find_tool("pg_dump").endswith("pg_dump")


def test_password_goes_through_the_environment_only() -> None:
    target = PgTarget.from_url("postgres://bot:s3cr%40t@db.example:6543/guild?sslmode=require")
    assert (target.host, target.port, target.user, target.database) == (
        "db.example", 6543, "bot", "guild")
    assert not any("s3cr" in arg for arg in target.tool_args())
    env = target.tool_env()
    assert env["PGPASSWORD"] == "s3cr@t" and env["PGSSLMODE"] == "require"
    with pytest.raises(BackupError, match="names no database"):
        PgTarget.from_url("postgres://bot@db.example:6543")


async def scratch_databases(url: str) -> set[str]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'guildhall\\_verify\\_%'"
        )
    finally:
        await conn.close()
    return {row[0] for row in rows}


async def test_verify_restore_uses_a_scratch_database_and_drops_it(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    await populate(300)
    url = guildhall_settings.database.url.get_secret_value()
    before = await scratch_databases(url)
    result = await backup_now(with_backup(guildhall_settings, tmp_path, verify_restore=True))
    assert result.verified and result.manifest.tables["transactions"] == 299
    assert await scratch_databases(url) <= before  # created, compared, dropped
    listed = await listed_tables(result.path)
    assert set(result.manifest.tables) == listed | {"web_sessions"}  # dumped without rows
    assert "web_sessions" not in listed and result.manifest.tables["web_sessions"] == 0


async def test_dump_that_is_not_a_dump_fails_verification(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    result = await backup_now(with_backup(guildhall_settings, tmp_path))
    result.path.write_bytes(b"PGDMP but truncated")
    with pytest.raises(BackupError, match="pg_restore --list .* failed"):
        await listed_tables(result.path)
    assert read_manifest(result.path) is not None and manifest_path(result.path).exists()


async def test_unreachable_server_is_a_clear_error_and_leaves_nothing(
    guildhall_db, guildhall_settings, tmp_path
) -> None:
    settings = with_backup(guildhall_settings, tmp_path)
    settings.database.url = type(settings.database.url)("postgres://postgres@127.0.0.1:1/x")
    with pytest.raises(BackupError, match="cannot connect to PostgreSQL 127.0.0.1:1/x"):
        await backup_now(settings)
    assert list(tmp_path.iterdir()) == []
