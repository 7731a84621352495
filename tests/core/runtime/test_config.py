"""Configuration: defaults, environment overrides, clear errors, secrets refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.manager import PluginManager
from core.runtime.config import ConfigError, effective_config, load_settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("GUILDHALL_") or key in ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(key)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_committed_config_is_valid_and_equals_defaults() -> None:
    from core.runtime.config import Settings

    from_file = load_settings(ROOT / "config.toml")
    assert from_file.model_dump() == Settings().model_dump()
    assert from_file.database.url.get_secret_value() == "sqlite://data/guildhall.db"
    assert from_file.plugins.enabled == [
        "leveling", "economy", "moderation", "reminders", "customcmds", "analytics", "welcome"]


def test_every_setting_is_documented_in_config_toml() -> None:
    from core.runtime.config import Settings

    text = (ROOT / "config.toml").read_text()
    for section, model in Settings.model_fields.items():
        assert f"[{section}]" in text
        for key in model.annotation.model_fields:  # type: ignore[union-attr]
            if key == "token":
                assert "DISCORD_TOKEN" in text
                continue
            assert f"{key} =" in text, f"{section}.{key} is not documented in config.toml"


def test_environment_overrides_file(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, "[database]\npool_max_size = 5\n[bot]\ndefault_prefix = '?'\n")
    monkeypatch.setenv("GUILDHALL_DATABASE__POOL_MAX_SIZE", "42")
    monkeypatch.setenv("GUILDHALL_PLUGINS__ENABLED", '["moderation"]')
    monkeypatch.setenv("DATABASE_URL", "postgres://bot:pw@db:5432/gh")
    monkeypatch.setenv("DISCORD_TOKEN", "tok")
    settings = load_settings(path)
    assert settings.database.pool_max_size == 42
    assert settings.bot.default_prefix == "?"
    assert settings.plugins.enabled == ["moderation"]
    assert settings.database.dialect == "postgres"
    assert settings.discord.token.get_secret_value() == "tok"


def test_guildhall_variable_beats_conventional(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite://a.db")
    monkeypatch.setenv("GUILDHALL_DATABASE__URL", "sqlite://b.db")
    assert load_settings(write(tmp_path, "")).database.url.get_secret_value() == "sqlite://b.db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[database]\npool_max_size = -3\n", "database.pool_max_size = -3: Input should be"),
        ("[logging]\nlevel = 'LOUD'\n", "logging.level = 'LOUD': Input should be 'DEBUG'"),
        ("[bot]\nprofile = 'huge'\n",
         "bot.profile = 'huge': Input should be 'default' or 'large'"),
        ("[database]\nurl = 'mysql://x/y'\n", "database.url = 'mysql://x/y': Value error, scheme"),
        ("[bot]\ndefault_prefx = '?'\n", "bot.default_prefx = '?': unknown setting"),
        ("[discord]\napi_base = 'ftp://x'\n", "discord.api_base = 'ftp://x': Value error"),
        ("[plugins]\nenabled = ['economy', 'economy']\n", "listed twice"),
    ],
)
def test_bad_value_names_key_value_and_rule(tmp_path, text, expected) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert expected in str(info.value)


def test_bad_environment_value_is_reported(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GUILDHALL_BOT__ACTIVITY_FLUSH_SECONDS", "soon")
    with pytest.raises(ConfigError, match="bot.activity_flush_seconds = 'soon'"):
        load_settings(write(tmp_path, ""))


@pytest.mark.parametrize(
    "text",
    [
        "[discord]\ntoken = 'abc.def'\n",
        "[database]\nurl = 'postgres://bot:hunter2@db/gh'\n",
        "[redis]\nurl = 'redis://:hunter2@cache:6379/0'\n",
    ],
)
def test_secrets_in_file_are_refused(tmp_path, text) -> None:
    with pytest.raises(ConfigError, match="secrets must not be stored") as info:
        load_settings(write(tmp_path, text))
    assert "hunter2" not in str(info.value)


def test_invalid_toml_and_missing_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[database\n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml")


def test_effective_config_masks_secrets(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token")
    monkeypatch.setenv("DATABASE_URL", "postgres://bot:hunter2@db:5432/gh")
    monkeypatch.setenv("REDIS_URL", "redis://:pw2@cache:6379/0")
    data = effective_config(load_settings(write(tmp_path, "")))
    text = repr(data)
    assert "super-secret-token" not in text and "hunter2" not in text and "pw2" not in text
    assert data["database"]["url"] == "postgres://bot:***@db:5432/gh"
    assert data["discord"]["token"] == "***"


def test_plugin_section_validated_by_plugin_model(tmp_path, monkeypatch) -> None:
    from tests.helpers import NOTES_DIST

    monkeypatch.syspath_prepend(str(NOTES_DIST))
    ok = load_settings(write(tmp_path, "[plugins]\nenabled=['notes']\n[plugins.notes]\n"
                                       "max_notes = 7\n"))
    manager = PluginManager(ok).load()
    assert manager.plugin_settings["notes"].max_notes == 7
    bad = load_settings(write(tmp_path, "[plugins]\nenabled=['notes']\n[plugins.notes]\n"
                                        "max_notes = 0\n"))
    with pytest.raises(ConfigError, match="plugins.notes.max_notes = 0: Input should be"):
        PluginManager(bad).load()
    extra = load_settings(write(tmp_path, "[plugins]\nenabled = []\n[plugins.plain]\nrate = 1\n"))
    manager = PluginManager(extra)
    with pytest.raises(ConfigError, match="plugins.plain: this plugin takes no settings"):
        manager.register("plain", object())
