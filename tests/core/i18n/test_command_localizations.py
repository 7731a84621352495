"""Localized command and option names and descriptions: complete, no stale keys, and valid
for Discord (the names of its API's regex, lowercase, 1-32 characters; descriptions
1-100), with sibling names distinct in every locale."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator, Iterator

import disnake
import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.i18n.catalog import LocaleFiles
from core.i18n.commands import command_keys
from core.plugins.gate import plugin_of
from core.plugins.manager import PluginManager
from core.runtime.config import BUILTIN_PLUGINS, Settings
from tests.core.i18n.locale_owners import LANGUAGES, owners

TRANSLATED = [locale for locale in LANGUAGES if locale != "en-US"]


def discord_name(name: str) -> bool:
    """``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` and lowercase, as Discord asks."""
    def allowed(char: str) -> bool:
        if char in "-_" or unicodedata.category(char)[0] in "LN":
            return True
        return 0x0900 <= ord(char) <= 0x097F or 0x0E00 <= ord(char) <= 0x0E7F  # Deva, Thai
    return 1 <= len(name) <= 32 and name == name.lower() and all(map(allowed, name))


@pytest.fixture
async def bot() -> AsyncIterator[GuildhallBot]:
    """Every built-in plugin's commands, localized as the bot registers them (not started)."""
    settings = Settings.model_validate({"plugins": {"enabled": list(BUILTIN_PLUGINS)}})
    built = GuildhallBot(settings, PluginManager(settings).load())
    yield built
    await built.close()


def keys_by_owner(bot: GuildhallBot) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for command in bot.slash_commands:
        owner = plugin_of(command.cog) or "core"
        found.setdefault(owner, {}).update(command_keys(command.body))
    return found


def test_discord_name_rule() -> None:
    assert discord_name("nachrichten_löschen") and discord_name("classement")
    assert not discord_name("Rang") and not discord_name("two words")
    assert not discord_name("x" * 33) and not discord_name("")


def test_every_command_and_option_is_localized_in_every_language(bot: GuildhallBot) -> None:
    files = {owner: LocaleFiles(path) for owner, path in owners().items()}
    for owner, keys in keys_by_owner(bot).items():
        assert files[owner].commands("en-US") == {}, f"{owner}: English lives in the code"
        for locale in TRANSLATED:
            localized = files[owner].commands(locale)
            missing, stale = set(keys) - set(localized), set(localized) - set(keys)
            assert not missing and not stale, (owner, locale, sorted(missing), sorted(stale))


def test_localized_names_and_descriptions_are_valid_for_discord(bot: GuildhallBot) -> None:
    checked = 0
    for command in bot.slash_commands:
        payload = command.body.to_dict()
        for node in walk(payload):
            names = node.get("name_localizations") or {}
            descriptions = node.get("description_localizations") or {}
            assert set(names) == set(TRANSLATED), node["name"]
            for locale, name in names.items():
                assert discord_name(name), (node["name"], locale, name)
            for locale, text in descriptions.items():
                assert 1 <= len(text) <= 100, (node["name"], locale, text)
            checked += 1
    assert checked > 150


def test_sibling_names_stay_distinct_in_every_locale(bot: GuildhallBot) -> None:
    payloads = [command.body.to_dict() for command in bot.slash_commands]
    groups = [payloads, *(node.get("options") or [] for p in payloads for node in walk(p))]
    for siblings in groups:
        named = [s for s in siblings if "name" in s]
        for locale in TRANSLATED:
            shown = [(s.get("name_localizations") or {}).get(locale, s["name"]) for s in named]
            assert len(shown) == len(set(shown)), (locale, sorted(shown))


def test_the_bots_i18n_answers_through_disnake(bot: GuildhallBot) -> None:
    assert bot.i18n.get("rank.name") == {"de": "rang", "fr": "rang", "es-ES": "rango",
                                         "pt-BR": "posição"}
    warn = bot.get_slash_command("warn")
    assert isinstance(warn, disnake.ext.commands.InvokableSlashCommand)
    member = warn.body.options[0]
    assert member.name_localizations.data == {
        "de": "mitglied", "fr": "membre", "es-ES": "miembro", "pt-BR": "membro"}
    assert bot.i18n.get("no.such.key") is None


def test_option_choices_are_localized_in_every_language(bot: GuildhallBot) -> None:
    choices = [choice for command in bot.slash_commands
               for node in walk(command.body.to_dict()) for choice in node.get("choices") or []]
    assert len(choices) >= 7  # /levels announce mode, /global optout state, /welcome dm state
    for choice in choices:
        names = choice.get("name_localizations") or {}
        assert set(names) == set(TRANSLATED), choice["name"]
        assert all(1 <= len(name) <= 100 for name in names.values()), names
    levels = next(c for c in bot.slash_commands if c.name == "levels").body.to_dict()
    mode = next(n for n in walk(levels) if n["name"] == "mode")
    shown = {c["value"]: c["name_localizations"]["de"] for c in mode["choices"]}
    assert shown == {"same channel": "im selben Kanal", "a fixed channel": "in einem festen Kanal",
                     "off": "aus"}


def walk(node: dict) -> Iterator[dict]:
    """``node`` and every option below it (subcommands and groups too)."""
    yield node
    for option in node.get("options") or []:
        yield from walk(option)
