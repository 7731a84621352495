"""The cached per-locale formatter (``LocaleFormats``) writes numbers exactly as Babel does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import disnake
from babel.dates import format_date
from babel.numbers import format_decimal

from core.i18n.formatting import babel_locale, format_value, formats_for
from core.i18n.texts import Texts
from tests.core.i18n.locale_owners import LANGUAGES

# every locale Discord sends (Indian grouping, Arabic, Swedish ...), ours, and an unknown one
LOCALES = (*LANGUAGES, *(locale.value for locale in disnake.Locale), "ar", "fa", "he", "xx")
INTEGERS = (0, 1, -1, 7, 999, 1000, -1000, 1234, 12_345, 123_456, 1_234_567,
            -1_234_567_890_123, 10**20)


def test_whole_numbers_match_babel_in_every_locale() -> None:
    for locale in LOCALES:
        for value in INTEGERS:
            assert format_value(value, locale) == format_decimal(
                value, locale=babel_locale(locale)), (locale, value)


def test_other_values_keep_babels_forms() -> None:
    assert format_value(Decimal("1234.5"), "de") == "1.234,5"
    assert format_value(-2.25, "fr") == format_decimal(-2.25, locale="fr")
    assert format_value(dt.date(2026, 12, 6), "de") == format_date(
        dt.date(2026, 12, 6), format="medium", locale="de")
    assert format_value(True, "de") == "True"
    assert format_value("{0.__class__}", "de") == "{0.__class__}"


def test_one_formatter_per_locale_is_kept() -> None:
    assert formats_for("de") is formats_for("de")
    assert formats_for("de").locale is babel_locale("de")
    assert formats_for("fr") is not formats_for("de")


def test_a_localized_value_is_still_worded_per_reader(tmp_path) -> None:
    (tmp_path / "en-US.json").write_text('{"texts": {"hi": "Hello {n}"}}', encoding="utf-8")
    (tmp_path / "de.json").write_text('{"texts": {"hi": "Hallo {n}"}}', encoding="utf-8")
    phrase = Texts(tmp_path).phrase("hi", n=1234)
    assert format_value(phrase, "de") == "Hallo 1.234"
    assert str(phrase) == "Hello 1,234"
