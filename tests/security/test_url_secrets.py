"""Secrets in URL query parameters are masked wherever a URL is shown and refused in
``config.toml``, exactly like the ``user:password@`` form."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.runtime.config import ConfigError, effective_config, load_settings
from core.runtime.url_secrets import mask_url, url_secrets
from tests.helpers import guildhall


def clean_env(**extra: str) -> dict[str, str]:
    hidden = ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL", "GUILDHALL_CONFIG")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in hidden}
    env.update(extra)
    return env


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgres://bot@db:5432/gh?password=hunter2",
         "postgres://bot@db:5432/gh?password=***"),
        ("postgres://bot@db/gh?sslmode=require&PassWord=hunter2&application_name=gh",
         "postgres://bot@db/gh?sslmode=require&PassWord=***&application_name=gh"),
        ("postgresql://db/gh?sslpassword=hunter2&sslkey=hunter2.key",
         "postgresql://db/gh?sslpassword=***&sslkey=***"),
        ("redis://cache:6379/0?password=hunter2", "redis://cache:6379/0?password=***"),
        ("rediss://:hunter2@cache/0?TOKEN=hunter2#x", "rediss://:***@cache/0?TOKEN=***#x"),
        ("postgres://db/gh?pwd=hunter2&passwd=hunter2&db_secret=hunter2",
         "postgres://db/gh?pwd=***&passwd=***&db_secret=***"),
        ("postgres://db/gh?sslmode=verify-full", "postgres://db/gh?sslmode=verify-full"),
        ("sqlite:///srv/guildhall/data.db", "sqlite:///srv/guildhall/data.db"),
        ("sqlite://data/guildhall.db", "sqlite://data/guildhall.db"),
    ],
)
def test_mask_url_hides_query_secrets_and_keeps_the_rest(url: str, masked: str) -> None:
    assert mask_url(url) == masked
    assert "hunter2" not in mask_url(url)


def test_url_secrets_names_each_secret() -> None:
    assert url_secrets("postgres://u:p@h/d?Password=x&sslmode=require&token=") == [
        "password", "?Password=",
    ]
    assert url_secrets("redis://cache/0") == []


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[database]\nurl = 'postgres://bot@db/gh?password=hunter2'\n",
         "database.url with ?password= (set DATABASE_URL instead)"),
        ("[database]\nurl = 'postgres://bot@db/gh?sslmode=require&PWD=hunter2'\n",
         "database.url with ?PWD= (set DATABASE_URL instead)"),
        ("[database]\nurl = 'postgres://bot@db/gh?sslpassword=hunter2'\n",
         "database.url with ?sslpassword= (set DATABASE_URL instead)"),
        ("[redis]\nurl = 'redis://cache:6379/0?password=hunter2'\n",
         "redis.url with ?password= (set REDIS_URL instead)"),
        ("[redis]\nurl = 'redis://:hunter2@cache:6379/0?token=hunter2'\n",
         "redis.url with a password, ?token= (set REDIS_URL instead)"),
    ],
)
def test_query_secrets_in_file_are_refused(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert "secrets must not be stored in the config file" in message
    assert named in message
    assert "hunter2" not in message


def test_harmless_query_parameters_are_accepted_in_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[database]\nurl = 'postgres://bot@db/gh?sslmode=require'\n")
    settings = load_settings(path)
    assert settings.database.url.get_secret_value() == "postgres://bot@db/gh?sslmode=require"


def test_effective_config_masks_query_secrets(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://bot@db:5432/gh?password=hunter2")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0?password=hunter3")
    (tmp_path / "config.toml").write_text("")
    data = effective_config(load_settings(tmp_path / "config.toml"))
    assert data["database"]["url"] == "postgres://bot@db:5432/gh?password=***"
    assert data["redis"]["url"] == "redis://cache:6379/0?password=***"
    assert "hunter2" not in repr(data) and "hunter3" not in repr(data)


def test_invalid_url_error_masks_query_secrets(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GUILDHALL_DATABASE__URL", "mysql://db/gh?password=hunter2")
    (tmp_path / "config.toml").write_text("")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "config.toml")
    assert "database.url = 'mysql://db/gh?password=***'" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_config_check_masks_query_secrets(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL="postgres://u@h/db?sslmode=require&password=pw-xyz",
                    REDIS_URL="redis://cache:6379/0?password=pw-abc")
    result = guildhall("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pw-xyz" not in result.stdout and "pw-abc" not in result.stdout
    assert "postgres://u@h/db?sslmode=require&password=***" in result.stdout
    assert "redis://cache:6379/0?password=***" in result.stdout


def test_config_check_refuses_query_secret_in_file(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        "[database]\nurl = 'postgres://u@h/db?password=pw-xyz'\n")
    result = guildhall("config", "check", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "secrets must not be stored in the config file" in result.stderr
    assert "set DATABASE_URL instead" in result.stderr
    assert "pw-xyz" not in result.stderr + result.stdout
