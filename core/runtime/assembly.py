"""One process's assembled parts: settings, plugins, coordination, database and migrations."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from core.coordination import Coordination, coordination_for
from core.db import migrations
from core.db.database import close_database, init_database
from core.plugins.manager import PROJECT_MIGRATIONS, PluginManager
from core.runtime.config import Settings, load_settings
from core.runtime.progress import ProgressReport


@dataclass
class Runtime:
    """Settings plus loaded plugins; the entry point of every command and worker."""

    settings: Settings
    plugins: PluginManager

    @classmethod
    def load(cls, config_path: Path | str | None = None) -> Runtime:
        """Load settings and enabled plugins; raise ConfigError/PluginError on bad input."""
        settings = load_settings(config_path)
        return cls.from_settings(settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        """Load the enabled plugins for already validated settings."""
        return cls(settings, PluginManager(settings).load())

    @cached_property
    def coordination(self) -> Coordination:
        """The deployment's coordination backend (lease, identify, bus, wake-ups), chosen
        once per runtime; its pieces are made, started and closed by their owners."""
        return coordination_for(self.settings)

    @property
    def plugin_models(self) -> dict[str, str]:
        """``{app: models module}`` of enabled plugins with tables."""
        return self.plugins.models_modules()

    def migration_apps(self) -> list[migrations.MigrationApp]:
        """``core`` first, then each enabled plugin with tables, in config order."""
        apps = [migrations.core_app(PROJECT_MIGRATIONS)]
        for name, module in self.plugin_models.items():
            apps.append(migrations.MigrationApp(name, module, self.plugins.migrations_root(name)))
        return apps

    async def upgrade(self, report: ProgressReport | None = None) -> list[str]:
        """Apply pending migrations to the configured database (under the lock); ``report``
        gets each file's progress (default: a log line per file)."""
        return await migrations.upgrade(
            self.settings.database, self.migration_apps(), self.plugin_models, report
        )

    async def pending(self) -> list[str]:
        """Migrations not yet applied to the configured database."""
        await init_database(self.settings.database, self.plugin_models)
        try:
            todo = await migrations.pending(
                self.migration_apps(), self.settings.database.dialect
            )
        finally:
            await close_database()
        return [f"{app.name}/{path.name}" for app, path in todo]

    async def check(self) -> list[str]:
        """Differences between models and committed migrations, for both dialects."""
        return await migrations.check(self.migration_apps(), self.plugin_models)

    async def make_migrations(self, name: str, only: set[str] | None = None) -> list[Path]:
        """Write migrations for changed models (of the ``only`` apps), for both dialects."""
        apps = [a for a in self.migration_apps() if only is None or a.name in only]
        return await migrations.generate(apps, self.plugin_models, name)

    async def open_database(self) -> None:
        """Initialise the ORM for this process (the schema must already be migrated)."""
        await init_database(self.settings.database, self.plugin_models)
