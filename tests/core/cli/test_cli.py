"""The guildhall CLI as a user runs it: a subprocess with a real config and database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import ROOT, guildhall


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    env.update(extra)
    return env


def test_help_lists_commands() -> None:
    result = guildhall("--help", env=clean_env())
    assert result.returncode == 0
    for command in ("run", "config", "db", "plugins"):
        assert command in result.stdout


def test_run_without_token_says_exactly_what_to_do(tmp_path: Path) -> None:
    result = guildhall("run", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert "no Discord bot token is configured" in result.stderr
    assert "export DISCORD_TOKEN=" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing was created


def test_run_with_dashboard_warns_when_login_is_not_configured(tmp_path: Path) -> None:
    env = clean_env(DISCORD_TOKEN="tok-123", GUILDHALL_WEB__ENABLED="true",
                    GUILDHALL_WEB__CLIENT_ID="123456",
                    GUILDHALL_DISCORD__API_BASE="http://127.0.0.1:9/api/v10")
    result = guildhall("run", env=env, cwd=tmp_path)
    assert result.returncode != 0  # Discord is unreachable: it stops after the warning
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "dashboard login is not configured" in warning[0]
    assert "GUILDHALL_WEB__CLIENT_SECRET" in warning[0] and "[web] public_url" in warning[0]
    assert "[web] client_id" not in warning[0]  # that one is set


def test_config_check_masks_secrets() -> None:
    env = clean_env(DISCORD_TOKEN="tok-123-secret", DATABASE_URL="postgres://u:pw-xyz@h/db",
                    GUILDHALL_BOT__DEFAULT_PREFIX="?")
    result = guildhall("config", "check", env=env)
    assert result.returncode == 0, result.stderr
    assert "tok-123-secret" not in result.stdout and "pw-xyz" not in result.stdout
    assert "postgres://u:***@h/db" in result.stdout
    assert "'default_prefix': '?'" in result.stdout
    assert "configuration OK" in result.stdout


def test_bad_config_fails_with_key_value_and_rule(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[database]\npool_max_size = 0\n")
    result = guildhall("--config", str(config), "db", "upgrade", env=clean_env())
    assert result.returncode == 2
    assert "database.pool_max_size = 0: Input should be greater than or equal to 1" in (
        result.stderr)
    assert "Traceback" not in result.stderr


def test_unknown_plugin_fails_at_start(tmp_path: Path) -> None:
    env = clean_env(GUILDHALL_PLUGINS__ENABLED='["leveling", "nope"]')
    result = guildhall("plugins", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown plugin(s) in [plugins] enabled: nope" in result.stderr


@pytest.fixture
async def empty_url(guildhall_engine, guildhall_database_factory) -> str:
    return await guildhall_database_factory.create_empty(guildhall_engine)


def test_upgrade_status_and_plugins_on_each_engine(empty_url: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=empty_url)
    status = guildhall("db", "status", env=env, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    engine = "sqlite" if empty_url.startswith("sqlite") else "postgres"
    total = len(list((ROOT / "migrations" / engine).glob("*/*_*.py")))
    assert f"{total} pending" in status.stdout
    upgrade = guildhall("db", "upgrade", env=env, cwd=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.count("applied ") == total
    again = guildhall("db", "upgrade", env=env, cwd=tmp_path)
    assert "0 migration(s) applied" in again.stdout
    assert "up to date" in guildhall("db", "status", env=env, cwd=tmp_path).stdout
    listing = guildhall("plugins", env=env, cwd=tmp_path)
    assert listing.returncode == 0
    assert "custom_commands" in listing.stdout


def test_default_sqlite_database_is_created_under_data(tmp_path: Path) -> None:
    shutil_config = tmp_path / "config.toml"
    shutil_config.write_text((ROOT / "config.toml").read_text())
    result = guildhall("db", "upgrade", env=clean_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "guildhall.db").exists()
