"""The reader's locale: the user's, else the guild's, else English; values formatted for it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import disnake

from core.bot.errors import PermissionNames
from core.bot.prefix_twins import ParseRefused
from core.bot.texts import TEXTS as CORE
from core.i18n.formatting import format_value, render
from core.i18n.locale_choice import choose_locale, reader_locales
from core.i18n.texts import Texts
from tests.core.i18n.locale_owners import LANGUAGES, owners

AVAILABLE = LANGUAGES


def test_user_locale_first_then_guild_then_english() -> None:
    assert choose_locale(AVAILABLE, "de", "fr").texts == "de"
    assert choose_locale(AVAILABLE, "ja", "fr").texts == "fr"  # unknown user locale
    assert choose_locale(AVAILABLE, None, "pt-BR").texts == "pt-BR"
    assert choose_locale(AVAILABLE, "ja", "ko").texts == "en-US"
    assert choose_locale(AVAILABLE, None, None).texts == "en-US"


def test_a_locale_without_a_file_reads_its_language_and_keeps_its_formats() -> None:
    british = choose_locale(AVAILABLE, "en-GB", "de")
    assert (british.texts, british.formats) == ("en-US", "en-GB")
    latin = choose_locale(AVAILABLE, "es-419", None)
    assert (latin.texts, latin.formats) == ("es-ES", "es-419")


def test_readers_interaction_prefix_context_guild_and_name() -> None:
    interaction = SimpleNamespace(locale=disnake.Locale.de, guild_locale=disnake.Locale.fr)
    assert reader_locales(interaction) == ("de", "fr")
    guild = SimpleNamespace(preferred_locale=disnake.Locale.pt_BR)
    assert reader_locales(guild) == (None, "pt-BR")
    assert reader_locales(SimpleNamespace(guild=guild)) == (None, "pt-BR")  # a prefix context
    assert reader_locales(SimpleNamespace(guild=None)) == (None, None)  # a DM
    assert reader_locales("fr") == ("fr", None)


def test_numbers_and_dates_follow_the_locale() -> None:
    assert format_value(1234567, "en-US") == "1,234,567"
    assert format_value(1234567, "de") == "1.234.567"
    assert format_value(1234567, "fr") == "1\u202f234\u202f567"
    assert format_value(1234567, "pt-BR") == "1.234.567"
    assert format_value(1234.5, "de") == "1.234,5"
    day = dt.date(2026, 12, 6)
    assert format_value(day, "en-US") == "Dec 6, 2026"
    assert format_value(day, "de") == "06.12.2026"
    assert format_value("1234", "de") == "1234"  # text stays text
    assert format_value(1234, "xx-unknown") == "1,234"  # a locale Babel lacks: English


def test_user_text_is_only_ever_a_value() -> None:
    hostile = "{0.__class__} {amount} {{"
    assert render("Hi {name}, {amount}!", "de", {"name": hostile, "amount": 5000}) == (
        f"Hi {hostile}, 5.000!"
    )


def test_a_plugin_speaks_the_readers_language() -> None:
    leveling = Texts(owners()["leveling"])
    german = SimpleNamespace(locale=disnake.Locale.de, guild_locale=disnake.Locale.en_US)
    t = leveling.to(german)
    assert t("board.title", guild="Café", page=2) == "**Bestenliste von Café** (Seite 2)"
    assert t.number(12500) == "12.500"
    assert leveling.english()("board.title", guild="Café", page=2) == (
        "**Leaderboard of Café** (page 2)"
    )
    assert t.get("section.nothing_like_this", "fallback") == "fallback"


def test_a_text_error_is_english_in_str_and_worded_for_each_reader() -> None:
    refused = ParseRefused("prefix_parse.missing", option="{0.__class__}", usage="!remind")
    assert str(refused) == "`{0.__class__}` is missing. Usage: `!remind`"  # user text inert
    assert refused.localized_text("de") == "`{0.__class__}` fehlt. Aufruf: `!remind`"
    assert refused.localized_text("es-419") == "Falta `{0.__class__}`. Uso: `!remind`"
    names = PermissionNames(("manage_guild", "moderate_members", "use_soundboard"))
    assert str(names) == "Manage Server, Timeout Members, Use Soundboard"  # unknown: title
    assert CORE.to("fr")("errors.you_need", permissions=names) == (
        "Il vous faut ces permissions : Gérer le serveur, Exclure temporairement des "
        "membres, Use Soundboard.")
