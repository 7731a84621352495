"""Data documentation from code: every model has a lifecycle, docs/DATABASE.md is current
and what it documents is what the migrated databases hold (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

import pytest
from tortoise import Tortoise, fields
from tortoise.models import Model

from core.db.docs import LifecycleMissing, TableDoc, collect, describe_apps
from core.db.docs_render import REFRESH, render_markdown
from core.db.lifecycle import Lifecycle
from core.runtime.assembly import Runtime
from core.runtime.config import BUILTIN_PLUGINS
from core.testing.pytest_plugin import make_settings
from tests.core.cli.test_cli import clean_env
from tests.helpers import NOTES_DIST, ROOT, fetch, guildhall

COMMITTED = ROOT / "docs" / "DATABASE.md"


class Undocumented(Model):
    """A model somebody forgot to document."""

    id = fields.IntField(primary_key=True)

    class Meta:
        table = "undocumented"
        app = "forgetful"


class Documented(Model):
    """A model with its lifecycle."""

    id = fields.IntField(primary_key=True)
    LIFECYCLE: ClassVar[Lifecycle] = Lifecycle("a", "b", "c", "forgetful", "d")

    class Meta:
        table = "documented"
        app = "forgetful"


def all_plugins_runtime(monkeypatch: pytest.MonkeyPatch) -> Runtime:
    """Every built-in plugin plus the notes fixture plugin (a third-party package)."""
    monkeypatch.syspath_prepend(str(NOTES_DIST))
    settings = make_settings("sqlite://:memory:", [*BUILTIN_PLUGINS, "notes"])
    return Runtime.from_settings(settings)


def test_every_model_of_every_plugin_has_a_complete_lifecycle(monkeypatch) -> None:
    doc = asyncio.run(collect(all_plugins_runtime(monkeypatch)))
    apps = {table.app for table in doc.tables}
    assert apps == {"core", "notes", *BUILTIN_PLUGINS}
    for table in doc.tables:
        life = table.lifecycle
        for part in ("represents", "grows", "cleaned", "owner", "retention"):
            assert getattr(life, part).strip(), f"{table.table}: empty LIFECYCLE.{part}"
        assert life.owner.split()[0] == table.app, f"{table.table}: owner {life.owner!r}"


def test_a_model_without_lifecycle_fails_with_its_name() -> None:
    with pytest.raises(LifecycleMissing) as caught:
        describe_apps({"forgetful": [Documented, Undocumented]})
    message = str(caught.value)
    assert "tests.core.db.test_docs.Undocumented (table undocumented, app forgetful)" in message
    assert "Documented (" not in message
    assert "LIFECYCLE = Lifecycle(...)" in message


def test_committed_database_md_equals_the_generated_documentation() -> None:
    fresh = render_markdown(asyncio.run(collect(Runtime.load(ROOT / "config.toml"))))
    assert COMMITTED.read_text(encoding="utf-8") == fresh, (
        f"docs/DATABASE.md is out of date: run `{REFRESH}` and commit it"
    )
    assert render_markdown(asyncio.run(collect(Runtime.load(ROOT / "config.toml")))) == fresh
    for heading in ("## Schema overview", "### `mod_actions`", "## Maintenance jobs",
                    "**When it's cleaned:**", "| `guild_id` | BIGINT | BIGINT | no |"):
        assert heading in fresh


def test_db_docs_cli_writes_checks_and_reports_drift(tmp_path: Path) -> None:
    target = tmp_path / "out" / "DATABASE.md"
    config = str(ROOT / "config.toml")
    written = guildhall("--config", config, "db", "docs", "--output", str(target),
                        env=clean_env(), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")
    target.write_text(target.read_text().replace("| `users` |", "| `people` |"))
    checked = guildhall("--config", config, "db", "docs", "--check", "--output", str(target),
                        env=clean_env(), cwd=tmp_path)
    assert checked.returncode == 1
    assert "differs from the documentation generated from the models" in checked.stderr
    assert f"run `{REFRESH}`" in checked.stderr
    assert "-| `people` |" in checked.stderr and "+| `users` |" in checked.stderr
    assert "Traceback" not in checked.stderr


async def database_columns(engine: str, table: str) -> dict[str, bool]:
    """``{column: nullable}`` of ``table`` as the database has it."""
    if engine == "sqlite":
        rows = await fetch(f'PRAGMA table_info("{table}")')
        return {row[1]: not row[3] for row in rows}
    rows = await fetch("SELECT column_name, is_nullable FROM information_schema.columns "
                       "WHERE table_schema = 'public' AND table_name = $1", [table])
    return {name: nullable == "YES" for name, nullable in rows}


async def database_index_names(engine: str, table: str) -> str:
    """Index names of ``table`` plus (SQLite) its CREATE statement, for a name search."""
    if engine == "sqlite":
        rows = await fetch("SELECT name, sql FROM sqlite_master WHERE tbl_name = ?", [table])
        return " ".join(f"{name} {sql}" for name, sql in rows)
    rows = await fetch("SELECT indexname FROM pg_indexes WHERE tablename = $1", [table])
    return " ".join(name for (name,) in rows)


async def test_documented_columns_and_indexes_are_those_of_the_migrated_database(
    guildhall_engine: str, guildhall_db: Runtime
) -> None:
    tables: tuple[TableDoc, ...] = describe_apps(
        {app: list(models.values()) for app, models in Tortoise.apps.items()}
    )
    assert len(tables) > 20
    for table in tables:
        actual = await database_columns(guildhall_engine, table.table)
        documented = {column.name: column.nullable for column in table.columns}
        assert documented == actual, f"{guildhall_engine} {table.table}"
        names = await database_index_names(guildhall_engine, table.table)
        for index in table.indexes:
            if index.name:
                assert index.name in names, f"{guildhall_engine} {table.table}: {index.name}"
