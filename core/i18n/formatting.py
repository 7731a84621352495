"""Values formatted for a locale with Babel, and trusted templates filled with them.

Only a locale file's text is ever a template; what users typed is only ever a value
(``str.format_map`` does not look into values).
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
from babel.numbers import format_decimal

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


def format_value(value: object, locale: str) -> str:
    """A number with the locale's grouping and decimal signs, a date or time in its
    medium form; a :class:`LocalizedValue` in its own words for ``locale``; anything else
    as ``str``."""
    if isinstance(value, LocalizedValue):
        return value.localized_text(locale)
    where = babel_locale(locale)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return str(format_decimal(value, locale=where))
    if isinstance(value, dt.datetime):
        return str(format_datetime(value, format="medium", locale=where))
    if isinstance(value, dt.date):
        return str(format_date(value, format="medium", locale=where))
    return str(value)


def placeholders(template: str) -> set[str]:
    """The names of ``{name}`` fields in ``template``."""
    return {field for _, field, _, _ in Formatter().parse(template) if field is not None}


def render(template: str, locale: str, values: Mapping[str, object]) -> str:
    """``template`` (trusted, from a locale file) with ``values`` formatted for ``locale``."""
    return template.format_map({key: format_value(v, locale) for key, v in values.items()})
