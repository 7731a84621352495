"""Which locale a reply is written in: the user's, else the guild's, else English.

Locales are Discord's names (``de``, ``fr``, ``es-ES``, ``pt-BR``, ``en-US``, ``en-GB``).
A locale without its own file is served by a file of the same language (``en-GB`` reads
``en-US``, ``es-419`` reads ``es-ES``); numbers and dates still follow the reader's own
locale where Babel knows it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class ChosenLocale:
    """The locale file to read (``texts``) and the locale to format values for."""

    texts: str
    formats: str


def language(locale: str) -> str:
    """``"pt-BR"`` -> ``"pt"``."""
    return locale.split("-", 1)[0].lower()


def choose_locale(available: Collection[str], *candidates: str | None) -> ChosenLocale:
    """The first candidate that ``available`` serves (exactly, else by its language).

    ``candidates`` come in order of preference (the user's locale, then the guild's);
    ``None`` and unknown ones are passed over. Nothing matching: English.
    """
    for candidate in candidates:
        if not candidate:
            continue
        if candidate in available:
            return ChosenLocale(candidate, candidate)
        same_language = sorted(a for a in available if language(a) == language(candidate))
        if same_language:
            return ChosenLocale(same_language[0], candidate)
    return ChosenLocale(DEFAULT_LOCALE, DEFAULT_LOCALE)


def _locale_name(value: Any) -> str | None:
    """A disnake ``Locale`` (or a plain string) as Discord's locale name."""
    if value is None:
        return None
    name = getattr(value, "value", value)
    return name if isinstance(name, str) and name else None


def reader_locales(reader: Any) -> tuple[str | None, str | None]:
    """``(user locale, guild locale)`` of an interaction, a prefix command's context,
    a guild or a locale name.

    An interaction carries both (``locale``, ``guild_locale``); a prefix command knows
    only its guild's preferred locale; a string is taken as the locale itself.
    """
    if reader is None:
        return None, None
    if isinstance(reader, str):
        return reader, None
    if hasattr(reader, "guild_locale") or hasattr(reader, "locale"):  # interactions
        guild_locale = _locale_name(getattr(reader, "guild_locale", None))
        return _locale_name(getattr(reader, "locale", None)), guild_locale
    if hasattr(reader, "preferred_locale"):  # a guild
        return None, _locale_name(reader.preferred_locale)
    guild = getattr(reader, "guild", None)  # a prefix command's context, a message
    if guild is not None and hasattr(guild, "preferred_locale"):
        return None, _locale_name(guild.preferred_locale)
    return None, None
