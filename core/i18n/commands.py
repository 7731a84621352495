"""Localized names and descriptions of slash commands, through disnake's i18n.

:func:`assign_keys` gives every command, subcommand and option without an explicit
``Localized`` the keys ``<path>.name`` and ``<path>.description`` (``rank``,
``rank.options.member``, ``warn.options.add.options.reason``) and every option choice
``<option path>.choices.<value>`` (``levels.options.announce.options.mode.choices.off``);
the bot's
``localization_provider``, a :class:`CommandLocalizations`, answers them from the
``commands`` sections of core's and the enabled plugins' locale files when disnake
registers the command.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

import disnake
from disnake.i18n import LocalizationProtocol, LocalizationValue

from core.i18n.catalog import LocaleFiles
from core.i18n.locale_choice import DEFAULT_LOCALE

log = logging.getLogger(__name__)


class CommandLocalizations(LocalizationProtocol):
    """``bot.i18n``: every owner's command localizations, merged by key."""

    def __init__(self, owners: Mapping[str, Path]) -> None:
        self._by_key: dict[str, dict[str, str]] = {}
        self._owner_of: dict[str, str] = {}
        for owner, directory in owners.items():
            files = LocaleFiles(directory)
            for locale in files.locales():
                if locale == DEFAULT_LOCALE:
                    continue  # the code's own strings are the English ones
                for key, text in files.commands(locale).items():
                    first = self._owner_of.setdefault(key, owner)
                    if first != owner:
                        log.warning("%s localizes %r, already localized by %s", owner, key, first)
                        continue
                    self._by_key.setdefault(key, {})[locale] = text

    def get(self, key: str) -> dict[str, str] | None:
        """``{locale: text}`` for ``key``, or ``None`` when no file localizes it."""
        return self._by_key.get(key)


def _give_key(value: LocalizationValue, key: str) -> None:
    if value._key is None and value._data is None:  # not localized explicitly
        value._upgrade(key)


def _options(options: list[disnake.Option], prefix: str) -> Iterator[tuple[disnake.Option, str]]:
    for option in options:
        path = f"{prefix}.options.{option.name}"
        yield option, path
        yield from _options(option.options, path)


def assign_keys(body: disnake.SlashCommand) -> None:
    """Give ``body`` and its options (subcommands too) their default localization keys."""
    _give_key(body.name_localizations, f"{body.name}.name")
    _give_key(body.description_localizations, f"{body.name}.description")
    for option, path in _options(body.options, body.name):
        _give_key(option.name_localizations, f"{path}.name")
        _give_key(option.description_localizations, f"{path}.description")
        for choice in option.choices:
            _give_key(choice.name_localizations, f"{path}.choices.{choice.value}")


def command_keys(body: disnake.SlashCommand) -> dict[str, str]:
    """Every localization key of ``body`` with its English (default) text."""
    keys = {f"{body.name}.name": body.name, f"{body.name}.description": body.description}
    for option, path in _options(body.options, body.name):
        keys[f"{path}.name"] = option.name
        keys[f"{path}.description"] = option.description
        keys.update({f"{path}.choices.{c.value}": c.name for c in option.choices})
    return keys


def localized(value: LocalizationValue, default: str, locale: str) -> str:
    """``value``'s text for ``locale`` once disnake linked it, else ``default``."""
    data = value._data
    if isinstance(data, dict):
        return data.get(locale) or default
    return default
