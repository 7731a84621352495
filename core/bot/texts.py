"""Core's reply texts (help, ping, prefix, privacy, plugin switches, errors): ``locales/``."""

from __future__ import annotations

from pathlib import Path

from core.i18n.texts import Texts

TEXTS = Texts(Path(__file__).with_name("locales"))
