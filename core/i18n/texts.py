"""Reply texts for a reader: ``TEXTS.to(inter)("rank.disabled")``.

Core and each plugin make one :class:`Texts` for their ``locales`` directory. ``to``
picks the reader's locale (the user's, else the guild's, else English); the
:class:`Speaker` it returns fills a key's template with values formatted for that locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from core.i18n.catalog import LocaleFiles
from core.i18n.formatting import format_value, render
from core.i18n.locale_choice import DEFAULT_LOCALE, ChosenLocale, choose_locale, reader_locales


class Speaker:
    """Texts of one owner in one reader's locale."""

    def __init__(self, files: LocaleFiles, chosen: ChosenLocale) -> None:
        self._files = files
        self.locale = chosen.texts
        self.format_locale = chosen.formats

    def __call__(self, key: str, /, **values: object) -> str:
        """The text of ``key`` with its ``{placeholders}`` filled from ``values``."""
        return render(self._files.template(self.locale, key), self.format_locale, values)

    def get(self, key: str, default: str, /, **values: object) -> str:
        """As calling, but ``default`` (used as is) when no locale file has ``key``."""
        template = self._files.find(self.locale, key)
        return default if template is None else render(template, self.format_locale, values)

    def number(self, value: int | float) -> str:
        """``value`` with the locale's digit grouping and decimal sign."""
        return format_value(value, self.format_locale)


class Texts:
    """An owner's reply texts, from ``<directory>/<locale>.json``."""

    def __init__(self, directory: Path) -> None:
        self.files = LocaleFiles(directory)

    @property
    def directory(self) -> Path:
        """Where the locale files are (what ``guildhall_locales`` returns)."""
        return self.files.directory

    def to(self, reader: Any) -> Speaker:
        """Texts for ``reader``: an interaction, a prefix context, a guild or a locale name."""
        return Speaker(self.files, choose_locale(self.files.locales(), *reader_locales(reader)))

    def english(self) -> Speaker:
        """Texts in English (logs, audit reasons, places without a reader)."""
        return self.to(None)

    def phrase(self, key: str, /, **values: object) -> Phrase:
        """``key`` with ``values``, worded later for whoever reads it (a ``LocalizedValue``):
        a value for another text, or a line a service returns to the command layer."""
        return Phrase(self, key, values)


@dataclass(frozen=True)
class Phrase:
    """One of an owner's texts with its values, worded when it is shown: a
    ``LocalizedValue`` (``str()`` is the English text, for logs)."""

    texts: Texts
    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def localized_text(self, locale: str) -> str:
        """The text for a reader of ``locale``."""
        return self.texts.to(locale)(self.key, **self.values)

    def __str__(self) -> str:
        return self.localized_text(DEFAULT_LOCALE)


class TextError(Exception):
    """An error worded by one of an owner's texts: English in ``str()`` (logs, the web),
    the reader's words through :meth:`localized_text` (a ``LocalizedValue``), so a service
    can raise it and the command layer answer in the reader's locale.

    A subclass names its owner's texts in ``owner``; ``texts=`` words one error with
    another owner's texts (a plugin raising a core error).
    """

    owner: ClassVar[Texts]

    def __init__(self, key: str, /, texts: Texts | None = None, **values: object) -> None:
        self.key = key
        self.values = values
        self.texts = texts or self.owner
        super().__init__(self.texts.english()(key, **values))

    def localized_text(self, locale: str) -> str:
        """The message for a reader of ``locale``."""
        return self.texts.to(locale)(self.key, **self.values)
