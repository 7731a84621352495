"""Backups are private: 0700 directory, 0600 files whatever the umask, no dashboard logins."""

from __future__ import annotations

import asyncio
import gzip
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.backup.files import manifest_path
from core.backup.postgres import find_tool, run_tool
from core.backup.restore import restore_backup
from core.backup.service import backup_now
from core.db.models import WebSession
from tests.core.backup.backup_support import COMPARED_TABLES, populate, read_rows, with_backup

TOKEN = "discord-access-token-5f1e2d"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask while the test runs (files would be 0666, dirs 0777)."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


async def backup_text(path: Path, engine: str) -> str:
    """Everything a backup holds, as text: the SQLite file, or the dump as SQL."""
    if engine == "sqlite":
        return gzip.decompress(await asyncio.to_thread(path.read_bytes)).decode("latin-1")
    return await run_tool([find_tool("pg_restore"), "--file=-", str(path)],
                          dict(os.environ), "pg_restore")


async def test_backup_is_private_and_holds_no_session_token(
    guildhall_db, guildhall_settings, guildhall_engine, guildhall_database_factory,
    tmp_path, open_umask,
) -> None:
    directory = tmp_path / "backups"
    settings = with_backup(guildhall_settings, directory)
    await populate(50)
    await WebSession.create(id="session-1", user_id=7, username="alice", access_token=TOKEN,
                            csrf_token="csrf", expires_at=datetime.now(UTC) + timedelta(days=1))

    result = await backup_now(settings)

    assert result.verified
    assert mode(directory) == 0o700
    assert mode(result.path) == 0o600
    assert mode(manifest_path(result.path)) == 0o600
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [result.path.name, manifest_path(result.path).name]
    )
    assert result.manifest.tables["web_sessions"] == 0
    text = await backup_text(result.path, guildhall_engine)
    assert TOKEN not in text and "session-1" not in text
    assert "user 7" in text  # the other rows are there, readable the same way

    source = guildhall_settings.database.url.get_secret_value()
    target = await guildhall_database_factory.create_empty(guildhall_engine)
    restored = await restore_backup(result.path, target)
    assert restored.tables["web_sessions"] == 0
    assert await read_rows(target, "web_sessions") == []
    for table in COMPARED_TABLES:
        assert await read_rows(target, table) == await read_rows(source, table), table


async def test_an_existing_open_directory_is_made_private(
    guildhall_db, guildhall_settings, tmp_path, open_umask,
) -> None:
    directory = tmp_path / "shared"
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    await populate(5)

    result = await backup_now(with_backup(guildhall_settings, directory))

    assert mode(directory) == 0o700 and mode(result.path) == 0o600
