"""Migrations: zero to head, upgrades keep data, failures roll back, one migrator at a time."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest

from core.db import migrations
from core.db.database import close_database, init_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.runtime.progress import Progress, ProgressEvent
from tests.helpers import NOTES_DIST, ROOT, execute, fetch, guildhall

SEED_INDEXES = {
    "idx_guild_members_guild", "idx_guild_members_user", "idx_warnings_user_guild",
    "idx_mod_actions_guild", "idx_temp_punishments_expires", "idx_reminders_time",
    "idx_transactions_user", "idx_command_stats_time",
}
SEED_TABLES = {
    "users", "guild_members", "guild_config", "warnings", "mod_actions", "temp_punishments",
    "transactions", "custom_commands", "reminders", "command_stats",
}
NOTES_MIGRATIONS = NOTES_DIST / "gh_notes" / "migrations"


def committed_migration_count(engine: str) -> int:
    return len(list((ROOT / "migrations" / engine).glob("*/*_*.py")))


def settings_for(url: str, plugins: list[str] | None = None) -> Settings:
    return Settings(database={"url": url}, plugins={"enabled": plugins or []})


async def tables_and_indexes(engine: str) -> tuple[set[str], set[str]]:
    if engine == "sqlite":
        rows = await fetch("SELECT type, name FROM sqlite_master")
        return ({n for t, n in rows if t == "table"}, {n for t, n in rows if t == "index"})
    tables = await fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    indexes = await fetch("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
    return {r[0] for r in tables}, {r[0] for r in indexes}


async def test_empty_database_upgrades_to_head(guildhall_engine, guildhall_database_factory):
    url = await guildhall_database_factory.create_empty(guildhall_engine)
    runtime = Runtime.from_settings(settings_for(url, list(Settings().plugins.enabled)))
    events: list[ProgressEvent] = []
    applied = await runtime.upgrade(Progress("db upgrade", events.append, unit="migrations"))
    expected = [f"{app.name}/{path.name}" for app in runtime.migration_apps()
                for path in app.files(guildhall_engine)]
    assert applied == expected
    # progress: each file before it is applied, counting up, then the whole count
    assert [e.stage for e in events] == [*expected, "migrations"]
    assert [e.done for e in events] == list(range(len(expected) + 1))
    assert {e.total for e in events} == {len(expected)} and events[-1].fraction == 1.0
    assert {a.split("/")[0] for a in applied} == {app.name for app in runtime.migration_apps()}
    assert await runtime.upgrade() == []
    await runtime.open_database()
    try:
        tables, indexes = await tables_and_indexes(guildhall_engine)
        assert SEED_TABLES <= tables
        assert SEED_INDEXES <= indexes
        rows = await fetch("SELECT app, version FROM aerich ORDER BY id")
        assert len(rows) == len(applied)
    finally:
        await close_database()
    assert await runtime.pending() == []


def notes_root(tmp_path: Path, upto: int) -> Path:
    """A copy of the notes plugin's migrations holding files 0..upto only."""
    root = tmp_path / "notes_migrations"
    for dialect in migrations.DIALECTS:
        target = root / dialect / "notes"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((NOTES_MIGRATIONS / dialect / "notes").glob("*.py")):
            if int(path.name.split("_")[0]) <= upto:
                shutil.copy(path, target / path.name)
    return root


@pytest.fixture
def notes_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(NOTES_DIST))


async def upgrade_notes(url: str, root: Path) -> list[str]:
    settings = settings_for(url)
    apps = [migrations.core_app(migrations_root()), migrations.MigrationApp(
        "notes", "gh_notes.models", root)]
    return await migrations.upgrade(settings.database, apps, {"notes": "gh_notes.models"})


def migrations_root() -> Path:
    return ROOT / "migrations"


async def test_database_at_older_head_upgrades_without_losing_rows(
    guildhall_engine, guildhall_database_factory, notes_on_path, tmp_path
):
    url = await guildhall_database_factory.create_empty(guildhall_engine)
    root = notes_root(tmp_path, upto=0)
    await upgrade_notes(url, root)
    await init_database(settings_for(url).database, {})
    for n in range(50):
        await execute(f"INSERT INTO notes (guild_id, text) VALUES ({n % 3}, 'note {n}')")
    await close_database()

    root = notes_root(tmp_path, upto=1)
    applied = await upgrade_notes(url, root)
    assert [a.split("/")[1].split("_")[0] for a in applied] == ["1"]
    await init_database(settings_for(url).database, {"notes": "gh_notes.models"})
    try:
        from gh_notes.models import Note

        assert await Note.all().count() == 50
        assert await Note.filter(pinned=False).count() == 50
        assert (await Note.get(text="note 7")).guild_id == 1
    finally:
        await close_database()


BROKEN = '''
from tortoise import BaseDBAsyncClient

async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "half_done" ("id" INT NOT NULL);
        UPDATE notes SET text = 'changed';
        THIS IS NOT SQL;"""

async def downgrade(db: BaseDBAsyncClient) -> str:
    return ""
'''


async def test_failed_migration_leaves_database_as_it_was(
    guildhall_engine, guildhall_database_factory, notes_on_path, tmp_path
):
    url = await guildhall_database_factory.create_empty(guildhall_engine)
    root = notes_root(tmp_path, upto=0)
    await upgrade_notes(url, root)
    await init_database(settings_for(url).database, {})
    await execute("INSERT INTO notes (guild_id, text) VALUES (1, 'original')")
    await close_database()
    for dialect in migrations.DIALECTS:
        (root / dialect / "notes" / "1_20260101000000_broken.py").write_text(BROKEN)

    with pytest.raises(migrations.MigrationError, match="1_20260101000000_broken.py failed"):
        await upgrade_notes(url, root)

    await init_database(settings_for(url).database, {})
    try:
        tables, _ = await tables_and_indexes(guildhall_engine)
        assert "half_done" not in tables
        assert await fetch("SELECT text FROM notes") == [("original",)]
        versions = [r[0] for r in await fetch("SELECT version FROM aerich WHERE app = 'notes'")]
        assert versions == [p.name for p in (root / "sqlite" / "notes").glob("0_*.py")]
    finally:
        await close_database()


async def test_two_launchers_migrating_at_once_apply_each_file_once(
    guildhall_engine, guildhall_database_factory
):
    url = await guildhall_database_factory.create_empty(guildhall_engine)
    env = {**os.environ, "DATABASE_URL": url, "GUILDHALL_LOGGING__LEVEL": "WARNING"}
    env.pop("GUILDHALL_DATABASE__URL", None)
    command = [sys.executable, "-c", "from core.cli import main; main()", "db", "upgrade"]
    procs = [
        await asyncio.create_subprocess_exec(
            *command, env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        for _ in range(3)
    ]
    results = [await p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    await init_database(settings_for(url).database, {})
    try:
        rows = await fetch("SELECT app, version, COUNT(*) FROM aerich GROUP BY app, version")
        assert len(rows) == committed_migration_count(guildhall_engine)
        assert all(count == 1 for _, _, count in rows)
    finally:
        await close_database()


async def test_committed_migrations_match_models() -> None:
    runtime = Runtime.from_settings(Settings())
    assert await runtime.check() == []


async def test_check_reports_models_without_migration(notes_on_path, tmp_path) -> None:
    root = notes_root(tmp_path, upto=0)
    apps = [migrations.MigrationApp("notes", "gh_notes.models", root)]
    problems = await migrations.check(apps, {"notes": "gh_notes.models"})
    assert len(problems) == 2
    assert {p.split(":")[0] for p in problems} == {"sqlite/notes", "postgres/notes"}
    # check works on a scratch copy: the committed directory is untouched
    assert len(list((root / "sqlite" / "notes").glob("*.py"))) == 1


def test_db_check_cli_exit_codes() -> None:
    result = guildhall("db", "check")
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout


def test_production_code_never_generates_schemas() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("core", "plugins", "cluster")
        for path in (ROOT / folder).rglob("*.py")
        if "generate_schemas" in path.read_text()
    ]
    assert offenders == []


async def test_sqlite_connection_pragmas(guildhall_database_factory) -> None:
    url = await guildhall_database_factory.create_migrated("sqlite", Settings())
    await init_database(settings_for(url).database, {})
    try:
        assert await fetch("PRAGMA journal_mode") == [("wal",)]
        assert await fetch("PRAGMA foreign_keys") == [(1,)]
        assert await fetch("PRAGMA busy_timeout") == [(5000,)]
    finally:
        await close_database()
