"""One owner's locale files: ``<directory>/<locale>.json`` with ``texts`` and ``commands``.

Core and every plugin own a directory. A file holds two nested objects, flattened to
dotted keys: ``texts`` (reply templates, ``{"rank": {"disabled": "..."}}`` is
``rank.disabled``) and ``commands`` (names and descriptions of slash commands and their
options, ``{"rank": {"name": ..., "description": ..., "options": {"member": {...}}}}``).
``en-US.json`` is the reference: its ``texts`` hold every key; command defaults are the
English strings in the code, so English files carry no ``commands``.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from core.i18n.locale_choice import DEFAULT_LOCALE

SECTIONS = ("texts", "commands")


class LocaleFileError(ValueError):
    """A locale file that is not the expected JSON shape."""


def flatten(tree: dict[str, Any], where: str, prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}``; every leaf must be a string."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, where, f"{path}."))
        elif isinstance(value, str):
            flat[path] = value
        else:
            raise LocaleFileError(f"{where}: {path} must be a string or an object")
    return flat


class LocaleFiles:
    """The locale files of one directory, read once on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @cached_property
    def _sections(self) -> dict[str, dict[str, dict[str, str]]]:
        """``{locale: {section: {key: text}}}``."""
        loaded: dict[str, dict[str, dict[str, str]]] = {}
        if not self.directory.is_dir():
            return loaded
        for path in sorted(self.directory.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise LocaleFileError(f"{path}: {exc}") from exc
            if not isinstance(data, dict) or set(data) - set(SECTIONS):
                raise LocaleFileError(f"{path}: expected an object with {' and '.join(SECTIONS)}")
            loaded[path.stem] = {
                section: flatten(data.get(section) or {}, str(path)) for section in SECTIONS
            }
        return loaded

    def locales(self) -> list[str]:
        """The locales with a file, sorted."""
        return sorted(self._sections)

    def texts(self, locale: str) -> dict[str, str]:
        """Reply templates of ``locale`` by key (empty without its file)."""
        return self._sections.get(locale, {}).get("texts", {})

    def commands(self, locale: str) -> dict[str, str]:
        """Command and option names and descriptions of ``locale`` by key."""
        return self._sections.get(locale, {}).get("commands", {})

    def find(self, locale: str, key: str) -> str | None:
        """The template of ``key`` in ``locale``, else in English, else ``None``."""
        found = self.texts(locale).get(key)
        return found if found is not None else self.texts(DEFAULT_LOCALE).get(key)

    def template(self, locale: str, key: str) -> str:
        """As :meth:`find`, raising ``KeyError`` when neither locale has ``key``."""
        found = self.find(locale, key)
        if found is None:
            raise KeyError(f"no text {key!r} in {self.directory}")
        return found
