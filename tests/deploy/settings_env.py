"""Does an environment (as a deployment file sets it) configure guildhall without error?"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from core.runtime.config import CONVENTIONAL_ENV, Settings, load_settings
from core.runtime.secret_files import FILE_VARIABLES, SECRETS_DIR_VARIABLE

OTHER_KNOWN = {"GUILDHALL_CONFIG", SECRETS_DIR_VARIABLE, "PYTHONUNBUFFERED"}


def unknown_variables(env: Mapping[str, str]) -> list[str]:
    """Variables guildhall does not read (``GUILDHALL_S__K`` must name a real setting)."""
    unknown = []
    for name in env:
        if name in CONVENTIONAL_ENV or name in FILE_VARIABLES or name in OTHER_KNOWN:
            continue
        if name.startswith("GUILDHALL_") and "__" in name:
            section, _, key = name.removeprefix("GUILDHALL_").lower().partition("__")
            model = Settings.model_fields.get(section)
            fields = getattr(model.annotation, "model_fields", {}) if model else {}
            if key in fields:
                continue
        unknown.append(name)
    return unknown


def settings_from(
    env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch, secrets_dir: Path,
    config: Path,
) -> Settings:
    """``load_settings`` with exactly ``env`` (plus placeholder secret files)."""
    import os

    for name in list(os.environ):
        if name.startswith("GUILDHALL_") or name.removesuffix("_FILE") in CONVENTIONAL_ENV:
            monkeypatch.delenv(name)
    secrets_dir.mkdir(exist_ok=True)
    (secrets_dir / "discord_token").write_text("placeholder-token\n")
    (secrets_dir / "database_url").write_text("postgres://guildhall:pw@postgres:5432/guildhall\n")
    for name, value in env.items():
        if name == SECRETS_DIR_VARIABLE:
            value = str(secrets_dir)
        monkeypatch.setenv(name, value)
    if SECRETS_DIR_VARIABLE not in env:
        monkeypatch.setenv("DISCORD_TOKEN", "placeholder-token")
    return load_settings(config)
