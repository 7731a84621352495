"""The moderation plugin's reply texts, from ``locales/<locale>.json`` (docs/localization.md)."""

from __future__ import annotations

from pathlib import Path

from core.plugins.api import Speaker, Texts

TEXTS = Texts(Path(__file__).with_name("locales"))


class Explained(Exception):
    """An error whose message is one of this plugin's texts: English in ``str()``, the
    reader's locale through :meth:`in_locale`."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(TEXTS.english()(key, **values))

    def in_locale(self, t: Speaker) -> str:
        """The message in ``t``'s locale."""
        return t(self.key, **self.values)
