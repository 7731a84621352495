"""Plugin discovery and hook calling (pluggy).

Built-in plugins live in the ``plugins`` package; third parties register a module under
the entry point group ``guildhall.plugins``. ``[plugins] enabled`` chooses which load.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from pydantic import BaseModel, ValidationError

from core import __version__
from core.plugins import hookspecs
from core.runtime.config import BUILTIN_PLUGINS, ConfigError, Settings

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "guildhall.plugins"
PROJECT_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class PluginError(Exception):
    """A plugin cannot be found, loaded or configured."""


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """What ``guildhall plugins`` shows about one available plugin."""

    name: str
    version: str
    source: str  # "built-in" or "package <distribution>"
    module: str
    enabled: bool


def available_plugins() -> dict[str, PluginInfo]:
    """Every plugin that could be enabled: built-ins plus installed entry points.

    Raises :class:`PluginError` when two plugins claim the same name.
    """
    found: dict[str, PluginInfo] = {
        name: PluginInfo(name, __version__, "built-in", f"plugins.{name}.plugin:plugin", False)
        for name in BUILTIN_PLUGINS
    }
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        dist_name = dist.metadata["Name"] if dist else "unknown"
        info = PluginInfo(
            name=entry.name,
            version=dist.version if dist else "unknown",
            source=f"package {dist_name}",
            module=entry.value,
            enabled=False,
        )
        if entry.name in found:
            other = found[entry.name]
            raise PluginError(
                f"duplicate plugin name {entry.name!r}: provided by {other.source} "
                f"({other.module}) and by {info.source} ({info.module}); "
                "uninstall one of them or rename its entry point"
            )
        found[entry.name] = info
    return found


class PluginManager:
    """Loads the enabled plugins and calls their hooks with per-plugin error isolation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.available = available_plugins()
        self.enabled: list[str] = []
        self.plugin_settings: dict[str, BaseModel | None] = {}

    def load(self) -> PluginManager:
        """Import and register every enabled plugin, then validate their settings."""
        unknown = [n for n in self.settings.plugins.enabled if n not in self.available]
        if unknown:
            raise PluginError(
                f"unknown plugin(s) in [plugins] enabled: {', '.join(unknown)}; "
                f"available: {', '.join(sorted(self.available))}"
            )
        for name in self.settings.plugins.enabled:
            self.register(name, _import_plugin(self.available[name]))
        return self

    def register(self, name: str, plugin: ModuleType | object) -> None:
        """Register an already imported plugin object under ``name``."""
        if self.pm.has_plugin(name):
            raise PluginError(f"plugin {name!r} is registered twice")
        self.pm.register(plugin, name=name)
        self.enabled.append(name)
        self.plugin_settings[name] = self._validate_settings(name)

    def _validate_settings(self, name: str) -> BaseModel | None:
        model = self.first_result(name, "guildhall_settings_model")
        section = self.settings.plugins.section(name)
        if model is None:
            if section:
                raise ConfigError(f"plugins.{name}: this plugin takes no settings")
            return None
        try:
            return model.model_validate(section)
        except ValidationError as exc:
            lines = [f"invalid configuration for plugin {name!r}:"]
            for item in exc.errors():
                key = ".".join(str(p) for p in ("plugins", name, *item["loc"]))
                lines.append(f"  {key} = {item.get('input')!r}: {item['msg']}")
            raise ConfigError("\n".join(lines)) from None

    def first_result(self, name: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` on plugin ``name`` only; ``None`` if it does not implement it."""
        plugin = self.pm.get_plugin(name)
        function = getattr(plugin, hook, None)
        if function is None:
            return None
        return function(**_accepted(function, kwargs))

    def models_modules(self) -> dict[str, str]:
        """``{app label: models module}`` for every enabled plugin that has tables."""
        modules = {}
        for name in self.enabled:
            module = self.first_result(name, "guildhall_models")
            if module:
                modules[name] = module
        return modules

    def migrations_root(self, name: str) -> Path:
        """The directory holding ``<dialect>/<name>/`` migrations for plugin ``name``."""
        location = self.first_result(name, "guildhall_migrations_location")
        return Path(location) if location else PROJECT_MIGRATIONS

    def locale_dirs(self) -> dict[str, Path]:
        """``{plugin: directory of its locale files}`` for every enabled plugin that has one."""
        dirs = {}
        for name in self.enabled:
            location = self.first_result(name, "guildhall_locales")
            if location:
                dirs[name] = Path(location)
        return dirs

    def _impls(self, hook: str) -> Iterable[pluggy.HookImpl]:
        return reversed(getattr(self.pm.hook, hook).get_hookimpls())

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a synchronous hook on every plugin; failures are logged and skipped."""
        results = []
        for impl in self._impls(hook):
            try:
                result = impl.function(**_accepted(impl.function, kwargs))
            except Exception:
                log.exception("plugin %r failed in %s", impl.plugin_name, hook)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    async def acall(
        self, hook: str, failed: list[str] | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call a hook that may be async on every plugin, awaiting each in turn.

        An exception in one plugin is logged with its name; the others still run. Pass a
        list as ``failed`` to learn which plugins raised (their names are appended).
        """
        results = []
        for impl in self._impls(hook):
            try:
                result = impl.function(**_accepted(impl.function, kwargs))
                if inspect.isawaitable(result):
                    result = await result
            except Exception:
                log.exception("plugin %r failed in %s", impl.plugin_name, hook)
                if failed is not None:
                    failed.append(impl.plugin_name)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def infos(self) -> list[PluginInfo]:
        """Every available plugin, flagged enabled or not."""
        enabled = set(self.settings.plugins.enabled)
        return [
            PluginInfo(i.name, i.version, i.source, i.module, i.name in enabled)
            for i in sorted(self.available.values(), key=lambda i: i.name)
        ]


def _accepted(function: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(function).parameters
    return {key: value for key, value in kwargs.items() if key in params}


def _import_plugin(info: PluginInfo) -> ModuleType:
    module_path = info.module.split(":", 1)[0]
    try:
        module = importlib.import_module(module_path)
    except Exception as exc:
        raise PluginError(
            f"plugin {info.name!r} ({info.source}) failed to import {module_path}: {exc}"
        ) from exc
    if ":" in info.module:
        return getattr(module, info.module.split(":", 1)[1])
    return module


def model_tables(models_module: str) -> list[str]:
    """Table names of the Tortoise models defined in ``models_module``."""
    from tortoise.models import Model

    module = importlib.import_module(models_module)
    tables = []
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Model)
            and value.__module__ == module.__name__
            and not value._meta.abstract
        ):
            tables.append(value._meta.db_table or value.__name__.lower())
    return sorted(tables)
