"""Configuration problems name their source (variable or file key) and how to write it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.runtime.config import ConfigError, Settings, load_settings
from core.runtime.config_errors import unknown_variables


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("GUILDHALL_") or name in ("DISCORD_TOKEN", "DATABASE_URL",
                                                       "REDIS_URL"):
            monkeypatch.delenv(name)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_in_the_file_is_explained_as_toml(tmp_path: Path) -> None:
    path = _file(tmp_path, "[bot]\nowner_ids = 123\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"invalid configuration: {path}: bot.owner_ids = 123")
    assert "write a TOML list, e.g. [123]" in message and "GUILDHALL_" not in message


def test_the_variable_is_blamed_not_the_file(tmp_path: Path, monkeypatch) -> None:
    path = _file(tmp_path, "[database]\npool_max_size = 5\n")
    monkeypatch.setenv("GUILDHALL_DATABASE__POOL_MAX_SIZE", "abc")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "environment variable GUILDHALL_DATABASE__POOL_MAX_SIZE" in str(info.value)
    assert str(path) not in str(info.value)


def test_several_problems_get_a_line_each(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GUILDHALL_BOT__OWNER_IDS", "7")
    path = _file(tmp_path, "[database]\npool_max_size = -1\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    lines = str(info.value).splitlines()
    assert lines[0] == "invalid configuration:" and len(lines) == 3
    assert any("GUILDHALL_BOT__OWNER_IDS" in line and "'[7]'" in line for line in lines)


def test_unknown_variables_are_named_with_the_closest_setting() -> None:
    env = {
        "GUILDHALL_DATABSE__URL": "sqlite://x.db",  # misspelt section
        "GUILDHALL_BOT__DEFAULT_PREFX": "?",  # misspelt key
        "GUILDHALL_DATABASE__URL": "sqlite://x.db",  # fine
        "GUILDHALL_PLUGINS__LEVELING__XP_PER_MESSAGE": "3",  # a plugin's own section
        "GUILDHALL_DISCORD__TOKEN_FILE": "/run/secrets/token",  # a secret read from a file
        "GUILDHALL_CONFIG": "config.toml",  # not a setting: no "__"
        "GUILDHALL_TEST_POSTGRES_URL": "postgres://x",
    }
    problems = unknown_variables(Settings, env)
    assert len(problems) == 2, problems
    assert "did you mean GUILDHALL_BOT__DEFAULT_PREFIX?" in problems[0]
    assert "did you mean GUILDHALL_DATABASE__URL?" in problems[1]


def test_an_unknown_variable_stops_loading(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GUILDHALL_DATABSE__URL", "sqlite://x.db")
    with pytest.raises(ConfigError, match="GUILDHALL_DATABSE__URL: databse.url is an unknown"):
        load_settings(_file(tmp_path, ""))
