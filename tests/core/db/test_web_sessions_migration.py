"""Core migration 5: the plain-text Discord tokens in ``web_sessions`` are gone after it."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.db import migrations
from core.db.database import close_database, init_database
from core.runtime.config import Settings
from tests.helpers import ROOT, execute, fetch

TOKEN = "plain-discord-access-token"


def core_root(tmp_path: Path, upto: int) -> Path:
    """A copy of core's migrations holding files 0..upto only."""
    root = tmp_path / "core_migrations"
    for dialect in migrations.DIALECTS:
        target = root / dialect / "core"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((ROOT / "migrations" / dialect / "core").glob("*.py")):
            if int(path.name.split("_")[0]) <= upto:
                shutil.copy(path, target / path.name)
    return root


async def columns(engine: str) -> set[str]:
    if engine == "sqlite":
        return {row[1] for row in await fetch('PRAGMA table_info("web_sessions")')}
    rows = await fetch("SELECT column_name FROM information_schema.columns "
                       "WHERE table_name = 'web_sessions'")
    return {row[0] for row in rows}


async def test_upgrade_drops_the_stored_tokens(
    guildhall_engine, guildhall_database_factory, tmp_path
) -> None:
    url = await guildhall_database_factory.create_empty(guildhall_engine)
    database = Settings(database={"url": url}, plugins={"enabled": []}).database
    await migrations.upgrade(database, [migrations.core_app(core_root(tmp_path, 4))], {})
    await init_database(database, {})
    try:
        await execute(
            'INSERT INTO "web_sessions" ("id", "user_id", "username", "access_token", '
            f'"csrf_token", "expires_at") VALUES (\'h\', 1, \'alice\', \'{TOKEN}\', '
            "'c', '2099-01-01 00:00:00')")
    finally:
        await close_database()
    applied = await migrations.upgrade(database, [migrations.core_app(ROOT / "migrations")], {})
    # migration 5 is the first applied (later core migrations may follow it)
    assert [a.split("/")[1].split("_")[0] for a in applied][0] == "5"
    await init_database(database, {})
    try:
        assert "access_token" not in await columns(guildhall_engine)
        assert "manageable_guilds" in await columns(guildhall_engine)
        assert await fetch('SELECT COUNT(*) FROM "web_sessions"') == [(0,)]
    finally:
        await close_database()
