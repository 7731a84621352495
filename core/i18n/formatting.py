"""Values formatted for a locale with Babel, and trusted templates filled with them.

Only a locale file's text is ever a template; what users typed is only ever a value
(``str.format_map`` does not look into values). Each locale's Babel objects (its
``Locale``, decimal pattern and signs) are looked up once and kept in a
:class:`LocaleFormats` (:func:`formats_for`); whole numbers, most of what replies carry,
are grouped from those cached signs without going through Babel's general path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from string import Formatter
from typing import Protocol, runtime_checkable

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, get_group_symbol

from core.i18n.locale_choice import DEFAULT_LOCALE


@runtime_checkable
class LocalizedValue(Protocol):
    """A value that words itself for a locale (permission names, a nested text)."""

    def localized_text(self, locale: str) -> str:
        """The value shown to a reader of ``locale``."""
        ...


@lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """Babel's locale for a Discord locale name (English when Babel does not know it)."""
    try:
        return Locale.parse(locale, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE, sep="-")


class LocaleFormats:
    """One locale's Babel objects, looked up once: numbers, dates and times for it."""

    def __init__(self, locale: str) -> None:
        self.locale = babel_locale(locale)
        pattern = self.locale.decimal_formats[None]
        # the Latin digits' group sign, as format_decimal uses it by default
        self.group = get_group_symbol(self.locale, numbering_system="latn")
        self.minus = pattern.prefix[1]  # Babel writes the pattern's own negative prefix
        self.primary, self.secondary = pattern.grouping
        # Babel's plain decimal pattern: whole numbers are digits with group signs (and
        # the minus sign); another pattern leaves every number to Babel.
        self.plain_integers = (pattern.prefix == ("", "-") and pattern.suffix == ("", "")
                               and pattern.int_prec[0] <= 1)

    def integer(self, value: int) -> str:
        """``value`` grouped as Babel's ``format_decimal`` groups it, from cached signs."""
        if not self.plain_integers:
            return str(format_decimal(value, locale=self.locale))
        digits = str(-value if value < 0 else value)
        size, groups = self.primary, []
        while len(digits) > size:
            groups.append(digits[-size:])
            digits = digits[:-size]
            size = self.secondary
        groups.append(digits)
        grouped = self.group.join(reversed(groups))
        return self.minus + grouped if value < 0 else grouped

    def number(self, value: int | float | Decimal) -> str:
        """Any number with the locale's grouping and decimal signs."""
        if type(value) is int:
            return self.integer(value)
        return str(format_decimal(value, locale=self.locale))

    def date(self, value: dt.date) -> str:
        """A date (or a date and time) in the locale's medium form."""
        if isinstance(value, dt.datetime):
            return str(format_datetime(value, format="medium", locale=self.locale))
        return str(format_date(value, format="medium", locale=self.locale))


@lru_cache(maxsize=64)
def formats_for(locale: str) -> LocaleFormats:
    """The cached :class:`LocaleFormats` of a Discord locale name."""
    return LocaleFormats(locale)


def format_value(value: object, locale: str) -> str:
    """A number with the locale's grouping and decimal signs, a date or time in its
    medium form; a :class:`LocalizedValue` in its own words for ``locale``; anything else
    as ``str``."""
    kind = type(value)
    if kind is str:  # the common case first: text is placed as it is
        return value  # type: ignore[return-value]
    if kind is bool:
        return str(value)
    if kind is int or isinstance(value, int | float | Decimal):
        return formats_for(locale).number(value)  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return formats_for(locale).date(value)
    if callable(getattr(value, "localized_text", None)):  # a LocalizedValue, checked cheaply
        return value.localized_text(locale)  # type: ignore[attr-defined]
    return str(value)


def placeholders(template: str) -> set[str]:
    """The names of ``{name}`` fields in ``template``."""
    return {field for _, field, _, _ in Formatter().parse(template) if field is not None}


def render(template: str, locale: str, values: Mapping[str, object]) -> str:
    """``template`` (trusted, from a locale file) with ``values`` formatted for ``locale``."""
    return template.format_map({key: format_value(v, locale) for key, v in values.items()})
