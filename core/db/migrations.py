"""Schema migrations: aerich files per dialect, applied transactionally under a lock.

Layout: ``<root>/<dialect>/<app>/<n>_<timestamp>_<name>.py`` where ``dialect`` is
``sqlite`` or ``postgres`` (aerich writes dialect-specific SQL, so each dialect keeps its
own line). Built-ins use the project's ``migrations/``; a third-party plugin points at its
own root through ``guildhall_migrations_location``.

aerich generates the files (``guildhall db makemigrations``) and ``guildhall db check``
compares them with the models. Applying them is done here rather than by aerich's
``upgrade`` because on SQLite aerich's script execution commits implicitly, which would
leave a failed migration half-applied: here each file and its bookkeeping row commit
together or not at all, on both engines.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from aerich import Command
from aerich.migrate import Migrate
from aerich.models import Aerich
from aerich.utils import decompress_dict, get_models_describe
from pydantic import SecretStr
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.transactions import in_transaction

from core.db.database import CONNECTION, CORE_APP, close_database, init_database, tortoise_config
from core.db.migration_lock import migration_lock
from core.runtime.config import DatabaseSettings
from core.runtime.progress import ProgressReport, logged_progress

log = logging.getLogger(__name__)
DIALECTS = ("sqlite", "postgres")


class MigrationError(Exception):
    """A migration could not be applied; the database is as it was before that file."""


@dataclass(frozen=True, slots=True)
class MigrationApp:
    """One Tortoise app and where its migrations live."""

    name: str
    models_module: str
    root: Path

    def directory(self, dialect: str) -> Path:
        """``<root>/<dialect>/<app>``."""
        return self.root / dialect / self.name

    def files(self, dialect: str) -> list[Path]:
        """Migration files in order of their number."""
        directory = self.directory(dialect)
        if not directory.is_dir():
            return []
        found = [p for p in directory.glob("*.py") if p.stem.split("_", 1)[0].isdigit()]
        return sorted(found, key=lambda p: int(p.stem.split("_", 1)[0]))


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"guildhall_migration_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"cannot load migration {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def applied_versions() -> set[tuple[str, str]]:
    """``{(app, version file)}`` already applied ("" when the database is empty)."""
    try:
        rows = await Aerich.all().values_list("app", "version")
    except Exception as exc:  # asyncpg raises its own UndefinedTableError
        if "aerich" in str(exc) and ("exist" in str(exc) or "no such table" in str(exc)):
            return set()
        raise  # unreachable, unreadable or corrupt: not an empty database
    return {(app, version) for app, version in rows}


async def pending(apps: Iterable[MigrationApp], dialect: str) -> list[tuple[MigrationApp, Path]]:
    """Migration files not yet applied to the initialised database, in apply order."""
    done = await applied_versions()
    return [
        (app, path)
        for app in apps
        for path in app.files(dialect)
        if (app.name, path.name) not in done
    ]


async def _apply_one(app: MigrationApp, path: Path, dialect: str) -> None:
    module = _load(path)
    client = connections.get(CONNECTION)
    state = getattr(module, "MODELS_STATE", None)
    content = decompress_dict(state) if state else {}
    sql = await module.upgrade(client)
    if dialect == "postgres":
        async with in_transaction(CONNECTION) as conn:
            await conn.execute_script(sql)
            await Aerich.create(version=path.name, app=app.name, content=content, using_db=conn)
        return
    # SQLite: executescript() would COMMIT implicitly; open the transaction ourselves so
    # the DDL, the data changes and the bookkeeping row commit (or roll back) together.
    await client.create_connection(with_db=True)
    raw = client._connection
    try:
        await raw.executescript("BEGIN IMMEDIATE;\n" + sql)
        await Aerich.create(version=path.name, app=app.name, content=content, using_db=client)
        await raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            await raw.execute("ROLLBACK")
        raise


async def upgrade(
    database: DatabaseSettings, apps: list[MigrationApp], plugin_models: dict[str, str],
    report: ProgressReport | None = None,
) -> list[str]:
    """Apply every pending migration under the migration lock; return what was applied.

    Each file is applied in its own transaction together with its ``aerich`` row, so a
    failing file leaves the database exactly as the previous file left it. ``report``
    (default: a log line per file) gets ``(file, files applied, files pending)`` before
    each file.
    """
    report = report or logged_progress("db upgrade", log, unit="migrations")
    await init_database(database, plugin_models)
    applied: list[str] = []
    try:
        async with migration_lock(database):
            todo = await pending(apps, database.dialect)
            for number, (app, path) in enumerate(todo):
                report(f"{app.name}/{path.name}", number, len(todo))
                try:
                    await _apply_one(app, path, database.dialect)
                except Exception as exc:
                    raise MigrationError(
                        f"migration {app.name}/{path.name} failed and was rolled back: {exc}"
                    ) from exc
                applied.append(f"{app.name}/{path.name}")
            if todo:
                report("migrations", len(todo), len(todo))
    finally:
        await close_database()
    return applied


def _write_initial_migration(app: str, directory: Path, dialect: str) -> Path:
    """Write migration 0 of ``app``: the CREATE statements of that app's models only.

    aerich's own ``init`` would put every app on the connection into each app's first
    migration; guildhall keeps one app per plugin, so each first migration is its own.
    """
    client = connections.get(CONNECTION)
    generator = client.schema_generator(client)
    models = list(Tortoise.apps[app].values())
    generator._get_models_to_create = lambda: models
    sql = generator.get_create_schema_sql(safe=False)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    path = directory / f"0_{stamp}_init.py"
    text = Migrate.build_migration_file_text(upgrade_sql=sql, models_state=get_models_describe(app))
    path.write_text(text, encoding="utf-8")
    log.info("wrote %s migration %s for %s", dialect, path.name, app)
    return path


def _reset_aerich_state() -> None:
    """Forget aerich's class-level diff state from a previous app or dialect.

    aerich keeps pending operators on the ``Migrate`` class; its CLI runs one app per
    process, but ``generate`` runs several apps and both dialects in one.
    """
    for attr in (
        "upgrade_operators", "downgrade_operators", "_upgrade_fk_m2m_index_operators",
        "_downgrade_fk_m2m_index_operators", "_upgrade_m2m", "_downgrade_m2m",
    ):
        setattr(Migrate, attr, [])
    Migrate._rename_fields = {}
    Migrate._rename_models = {}
    Migrate._last_version_content = None


def _offline_database(dialect: str, workdir: Path) -> DatabaseSettings:
    if dialect == "sqlite":
        return DatabaseSettings(url=SecretStr(f"sqlite://{workdir / 'offline.db'}"))
    # Offline generation never connects; the URL only selects the dialect.
    return DatabaseSettings(url=SecretStr("postgres://offline@127.0.0.1:1/offline"))


async def generate(
    apps: list[MigrationApp],
    plugin_models: dict[str, str],
    name: str,
    dialects: Iterable[str] = DIALECTS,
    roots: dict[str, Path] | None = None,
) -> list[Path]:
    """Write a migration for every app whose models differ from its last migration.

    ``roots`` maps app names to alternative migration roots (``db check`` generates into
    a scratch copy). Works offline: no database server is needed.
    """
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        for dialect in dialects:
            database = _offline_database(dialect, Path(scratch))
            config = tortoise_config(database, plugin_models)
            EXECUTOR_CACHE.clear()
            await Tortoise.init(config=config)
            for app in apps:
                root = (roots or {}).get(app.name, app.root)
                location = root / dialect
                directory = location / app.name
                before = set(directory.glob("*.py")) if directory.is_dir() else set()
                if not before:
                    _write_initial_migration(app.name, directory, dialect)
                else:
                    _reset_aerich_state()
                    command = Command(
                        tortoise_config=config, app=app.name, location=str(location)
                    )
                    await command.init(offline=True)
                    await command.migrate(name=name, no_input=True, offline=True)
                written += sorted(set(directory.glob("*.py")) - before)
            if Tortoise.is_inited():
                await Tortoise.close_connections()
    return written


async def check(apps: list[MigrationApp], plugin_models: dict[str, str]) -> list[str]:
    """Differences between models and committed migrations (empty when they agree)."""
    with tempfile.TemporaryDirectory() as scratch:
        roots: dict[str, Path] = {}
        for app in apps:
            copy = Path(scratch) / app.name
            for dialect in DIALECTS:
                source = app.directory(dialect)
                target = copy / dialect / app.name
                if source.is_dir():
                    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            roots[app.name] = copy
        written = await generate(apps, plugin_models, "check", roots=roots)
        return [
            f"{path.parent.parent.name}/{path.parent.name}: models changed without a "
            f"migration (would write {path.name})"
            for path in written
        ]


def core_app(root: Path) -> MigrationApp:
    """The ``core`` app (users, guild_members, guild_config and aerich's own table)."""
    return MigrationApp(CORE_APP, "core.db.models", root)
