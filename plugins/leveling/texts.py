"""The leveling plugin's reply texts, from ``locales/<locale>.json`` (docs/localization.md)."""

from __future__ import annotations

from pathlib import Path

from core.plugins.api import TextError, Texts

TEXTS = Texts(Path(__file__).with_name("locales"))


class LevelingRefused(TextError, ValueError):
    """Bad input to a leveling service (``refused.*`` of the plugin's texts): English in
    ``str()``, worded for the reader by the command layer; nothing was changed."""

    owner = TEXTS
