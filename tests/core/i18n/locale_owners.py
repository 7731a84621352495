"""Core's and every built-in plugin's locale directory, found as the bot finds them."""

from __future__ import annotations

from pathlib import Path

from core.bot.texts import TEXTS
from core.plugins.manager import PluginManager
from core.runtime.config import BUILTIN_PLUGINS, Settings

LANGUAGES = ("en-US", "de", "fr", "es-ES", "pt-BR")


def owners() -> dict[str, Path]:
    """``{"core": ..., plugin: ...}`` through each plugin's ``guildhall_locales`` hook."""
    settings = Settings.model_validate({"plugins": {"enabled": list(BUILTIN_PLUGINS)}})
    return {"core": TEXTS.directory, **PluginManager(settings).load().locale_dirs()}
