"""Write a new plugin package: render ``template/`` and generate its first migrations.

Every ``*.tmpl`` file is copied with ``{{name}}`` (the plugin's name), ``{{package}}``
(its import package), ``{{dist}}`` (its distribution) and ``{{Class}}`` replaced; the
``package/`` folder becomes the import package, ``gitignore`` becomes ``.gitignore``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from core.db import migrations
from core.runtime.config import BUILTIN_PLUGINS

NAME_RULE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
SUFFIX = ".tmpl"


class ScaffoldError(Exception):
    """The plugin cannot be created as asked; the message says why (nothing written)."""


@dataclass(frozen=True)
class PluginNames:
    """The names derived from the plugin's name."""

    name: str

    @property
    def package(self) -> str:
        return f"guildhall_{self.name}"

    @property
    def dist(self) -> str:
        return f"guildhall-{self.name.replace('_', '-')}"

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_"))

    def fill(self, text: str) -> str:
        for token, value in (("{{name}}", self.name), ("{{package}}", self.package),
                             ("{{dist}}", self.dist), ("{{Class}}", self.class_name)):
            text = text.replace(token, value)
        return text


def check_name(name: str) -> PluginNames:
    """The names for ``name``, or :class:`ScaffoldError` saying how to write one."""
    if not NAME_RULE.fullmatch(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use 2-31 lowercase letters, digits and single "
            "underscores, starting with a letter (e.g. trivia or server_stats)"
        )
    if name in BUILTIN_PLUGINS:
        raise ScaffoldError(f"{name!r} is a built-in plugin's name; choose another")
    return PluginNames(name)


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_files(entry, f"{relative}/"))
        elif entry.name.endswith(SUFFIX):
            found.append((relative[: -len(SUFFIX)], entry))
    return found


def _destination(relative: str, names: PluginNames) -> str:
    if relative == "gitignore":
        return ".gitignore"
    if relative.startswith("package/"):
        return names.package + relative[len("package"):]
    return relative


async def new_plugin(name: str, parent: Path) -> Path:
    """Create ``parent/<distribution>/`` for plugin ``name``; return its path."""
    names = check_name(name)
    target = parent / names.dist
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} already exists and is not empty; nothing was written")
    template = resources.files("core.plugins.scaffold") / "template"
    for relative, entry in _files(template):
        path = target / _destination(relative, names)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(names.fill(entry.read_text(encoding="utf-8")), encoding="utf-8")
    await _first_migrations(names, target)
    return target


async def _first_migrations(names: PluginNames, target: Path) -> None:
    """``init`` migrations for SQLite and PostgreSQL, generated from the new models."""
    models = f"{names.package}.models"
    app = migrations.MigrationApp(names.name, models, target / names.package / "migrations")
    sys.path.insert(0, str(target))
    try:
        await migrations.generate([app], {names.name: models}, "init")
    finally:
        sys.path.remove(str(target))
        for module in [m for m in sys.modules if m.split(".")[0] == names.package]:
            del sys.modules[module]
