"""The welcome plugin's reply texts, from ``locales/<locale>.json`` (docs/localization.md)."""

from __future__ import annotations

from pathlib import Path

from core.plugins.api import Texts

TEXTS = Texts(Path(__file__).with_name("locales"))
