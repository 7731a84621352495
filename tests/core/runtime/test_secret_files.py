"""Secrets from files: ``*_FILE`` variables and ``$GUILDHALL_SECRETS_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import BaseModel, SecretStr

from core.runtime.config import ConfigError, Settings, effective_config, load_settings
from core.runtime.secret_files import SECRET_SETTINGS, SECRETS_DIR_VARIABLE

TOKEN = "file-token-abc123"
DB_URL = "postgres://bot:s3cret-pw@db:5432/guildhall"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("GUILDHALL_") or key.split("_FILE")[0] in (
            "DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL"
        ):
            monkeypatch.delenv(key)


@pytest.fixture
def no_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("")
    return path


def secret(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _secret_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if annotation is SecretStr:
            found.add(prefix + name)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found |= _secret_fields(annotation, f"{prefix}{name}.")
    return found


def test_every_secret_setting_can_come_from_a_file() -> None:
    assert {s.dotted for s in SECRET_SETTINGS} == _secret_fields(Settings)


def test_each_secret_read_from_its_file_variable(tmp_path, monkeypatch, no_config) -> None:
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret(tmp_path, "t", TOKEN + "\n")))
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret(tmp_path, "d", DB_URL + "\r\n")))
    monkeypatch.setenv("REDIS_URL_FILE", str(secret(tmp_path, "r", "redis://:pw@cache:6379/0")))
    monkeypatch.setenv("GUILDHALL_WEB__CLIENT_SECRET_FILE", str(secret(tmp_path, "c", "oauth\n")))
    monkeypatch.setenv("GUILDHALL_WEB__STATUS_TOKEN_FILE",
                       str(secret(tmp_path, "s", "a-status-token-0123456789\n")))
    settings = load_settings(no_config)
    assert settings.discord.token.get_secret_value() == TOKEN
    assert settings.database.url.get_secret_value() == DB_URL
    assert settings.redis.url.get_secret_value() == "redis://:pw@cache:6379/0"
    assert settings.web.client_secret.get_secret_value() == "oauth"
    assert settings.web.status_token.get_secret_value() == "a-status-token-0123456789"


def test_only_one_trailing_newline_is_stripped(tmp_path, monkeypatch, no_config) -> None:
    monkeypatch.setenv("GUILDHALL_DISCORD__TOKEN_FILE", str(secret(tmp_path, "t", " tok \n\n")))
    assert load_settings(no_config).discord.token.get_secret_value() == " tok \n"


def test_secrets_directory_fills_what_the_environment_leaves(
    tmp_path, monkeypatch, no_config
) -> None:
    directory = tmp_path / "secrets"
    directory.mkdir()
    secret(directory, "discord_token", TOKEN + "\n")
    secret(directory, "database_url", DB_URL + "\n")
    secret(directory, "web_client_secret", "from-dir\n")
    monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(directory))
    monkeypatch.setenv("GUILDHALL_WEB__CLIENT_SECRET", "from-env")
    settings = load_settings(no_config)
    assert settings.discord.token.get_secret_value() == TOKEN
    assert settings.database.url.get_secret_value() == DB_URL
    assert settings.web.client_secret.get_secret_value() == "from-env"
    assert settings.redis.url.get_secret_value() == ""  # no file there: default


@pytest.mark.parametrize(
    ("value_var", "file_var"),
    [
        ("DISCORD_TOKEN", "DISCORD_TOKEN_FILE"),
        ("GUILDHALL_DISCORD__TOKEN", "DISCORD_TOKEN_FILE"),
        ("DATABASE_URL", "GUILDHALL_DATABASE__URL_FILE"),
        ("GUILDHALL_WEB__CLIENT_SECRET", "GUILDHALL_WEB__CLIENT_SECRET_FILE"),
    ],
)
def test_value_and_file_together_are_refused_in_one_line(
    tmp_path, monkeypatch, no_config, value_var, file_var
) -> None:
    value = DB_URL if "DATABASE" in value_var else TOKEN
    monkeypatch.setenv(value_var, value)
    monkeypatch.setenv(file_var, str(secret(tmp_path, "f", value)))
    with pytest.raises(ConfigError) as caught:
        load_settings(no_config)
    message = str(caught.value)
    assert value_var in message and file_var in message and "both set" in message
    assert "\n" not in message and value not in message


def test_two_files_for_one_secret_are_refused(tmp_path, monkeypatch, no_config) -> None:
    monkeypatch.setenv("REDIS_URL_FILE", str(secret(tmp_path, "a", "redis://a")))
    monkeypatch.setenv("GUILDHALL_REDIS__URL_FILE", str(secret(tmp_path, "b", "redis://b")))
    with pytest.raises(ConfigError, match="REDIS_URL_FILE and GUILDHALL_REDIS__URL_FILE"):
        load_settings(no_config)


def test_missing_empty_and_bad_directory_are_clear(tmp_path, monkeypatch, no_config) -> None:
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN_FILE: cannot read .*nope"):
        load_settings(no_config)
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret(tmp_path, "empty", "\n")))
    with pytest.raises(ConfigError, match="is empty"):
        load_settings(no_config)
    monkeypatch.delenv("DISCORD_TOKEN_FILE")
    monkeypatch.setenv(SECRETS_DIR_VARIABLE, str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match="not a directory"):
        load_settings(no_config)


def test_file_secrets_are_masked_in_output_and_errors(tmp_path, monkeypatch, no_config) -> None:
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret(tmp_path, "t", TOKEN)))
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret(tmp_path, "d", DB_URL)))
    monkeypatch.setenv("GUILDHALL_WEB__CLIENT_SECRET_FILE", str(secret(tmp_path, "c", "hush-42")))
    settings = load_settings(no_config)
    shown = str(effective_config(settings)) + repr(settings) + str(settings)
    for plain in (TOKEN, "s3cret-pw", "hush-42"):
        assert plain not in shown
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret(tmp_path, "bad", "mysql://u:s3cret-pw@h/db")))
    with pytest.raises(ConfigError) as caught:
        load_settings(no_config)
    assert "database.url" in str(caught.value) and "s3cret-pw" not in str(caught.value)
