"""The settings and worker environment a sandbox runs with (no deployment state in them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.runtime.config import Settings
from core.testing.sandbox.isolation import (
    SandboxTargetError,
    sandbox_namespace,
    sandbox_target,
    worker_environment,
)

DEPLOYMENT = Settings(
    database={"url": "postgres://bot@db.internal:5432/guildhall"},
    redis={"url": "redis://cache.internal:6379/0"},
    leader={"key": "guildhall:leader"},
    backup={"directory": "/srv/backups"},
)


def test_default_target_is_a_throwaway_database_without_redis(tmp_path: Path) -> None:
    target = sandbox_target(DEPLOYMENT, tmp_path)
    settings = target.settings
    assert settings.database.url.get_secret_value() == f"sqlite://{tmp_path / 'sandbox.db'}"
    assert settings.redis.url.get_secret_value() == ""
    assert settings.leader.duties == ["timers"]  # of the throwaway database only
    assert settings.leader.key == f"{sandbox_namespace()}:leader"
    assert not settings.leader.key.startswith("guildhall:")
    assert settings.backup.directory == str(tmp_path / "backups")
    assert not target.named_database
    assert target.notice.startswith("sandbox: throwaway database ")
    assert "DATABASE_URL" in target.notice and "are ignored" in target.notice


def test_named_database_runs_no_leader_duties(tmp_path: Path) -> None:
    target = sandbox_target(DEPLOYMENT, tmp_path, database="postgres://me@localhost/play",
                            redis="redis://localhost:6379/5")
    settings = target.settings
    assert settings.database.url.get_secret_value() == "postgres://me@localhost/play"
    assert settings.redis.url.get_secret_value() == "redis://localhost:6379/5"
    assert settings.leader.duties == []
    assert target.named_database
    assert "no leader duties run on it (no timers, no maintenance, no backups)" in target.notice


@pytest.mark.parametrize(
    ("database", "redis", "message"),
    [
        ("mysql://u:hunter2@h/db", None, "--database 'mysql://u:***@h/db': use sqlite://PATH"),
        (None, "http://h/?password=hunter2", "--redis 'http://h/?password=***': use a redis://"),
    ],
)
def test_unusable_urls_are_refused_with_the_secret_masked(
    tmp_path: Path, database: str | None, redis: str | None, message: str
) -> None:
    with pytest.raises(SandboxTargetError) as info:
        sandbox_target(DEPLOYMENT, tmp_path, database=database, redis=redis)
    assert str(info.value).startswith(message)
    assert "hunter2" not in str(info.value)


def test_worker_environment_replaces_the_deployments_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://bot@db.internal/guildhall")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal/0")
    monkeypatch.setenv("GUILDHALL_DATABASE__URL", "postgres://bot@db.internal/guildhall")
    monkeypatch.setenv("GUILDHALL_REDIS__URL", "redis://cache.internal/0")
    monkeypatch.setenv("GUILDHALL_LEADER__DUTIES", '["timers", "maintenance", "backups"]')
    env = worker_environment(sandbox_target(DEPLOYMENT, tmp_path).settings)
    assert "DATABASE_URL" not in env and "REDIS_URL" not in env
    assert env["GUILDHALL_DATABASE__URL"] == f"sqlite://{tmp_path / 'sandbox.db'}"
    assert env["GUILDHALL_REDIS__URL"] == ""
    assert json.loads(env["GUILDHALL_LEADER__DUTIES"]) == ["timers"]
    assert env["GUILDHALL_BACKUP__DIRECTORY"] == str(tmp_path / "backups")
    assert "db.internal" not in repr(env) and "cache.internal" not in repr(env)
