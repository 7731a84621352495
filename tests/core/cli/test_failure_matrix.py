"""Every CLI command against an unusable database: one line on stderr, the documented exit
code, never a traceback. Commands are found by walking the click group, so a new command
is covered (and must be given arguments below if it requires any)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
import pytest

from core.cli import cli
from core.cli.failures import EXIT_CONFIG, EXIT_DATABASE, EXIT_FAILED, EXIT_REDIS
from tests.helpers import guildhall

# Arguments for commands that require some; each avoids writing anything real.
ARGUMENTS = {
    "db makemigrations": ["matrix_probe", "--app", "no_such_app"],
    "maintenance run": ["--dry-run"],
    "plugin new": ["Not-A-Name"],
    "restore": ["missing-backup.tar.gz"],
    "web": ["--port", "1"],
}
# What each command answers when the database cannot be used.
EXPECTED = {
    "run": EXIT_FAILED,  # plans the shards first: Discord (a closed port here) is unreachable
    "config check": 0,
    "plugins": 0,
    "status": EXIT_FAILED,  # nothing reported
    "sandbox": EXIT_CONFIG,  # no terminal (it never uses the configured database)
    "db check": 0,  # compares models with migration files only
    "db docs": 0,  # rendered from the models only
    "db makemigrations": EXIT_CONFIG,  # unknown app
    "plugin new": EXIT_CONFIG,  # a bad name (the database plays no part)
    "restore": EXIT_FAILED,  # the file is missing
}


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every leaf command of ``group``, as typed after ``guildhall``."""
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, f"{path} "))
        else:
            paths.append(path)
    return paths


def _required_arguments(path: str) -> bool:
    command: click.Command = cli
    for part in path.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    return any(p.required for p in command.params)


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUILDHALL_")
           and k not in ("DISCORD_TOKEN", "DATABASE_URL", "REDIS_URL")}
    env["GUILDHALL_CLUSTER__STATUS_DIRECTORY"] = str(tmp_path / "status")
    env["GUILDHALL_BACKUP__DIRECTORY"] = str(tmp_path / "backups")
    env.update(settings)
    return env


UNUSABLE = {
    "postgres-refused": "postgres://postgres@127.0.0.1:1/guildhall",
    "sqlite-missing-directory": "sqlite://{tmp}/a-file/sub/guildhall.db",
    "sqlite-corrupt": "sqlite://{tmp}/corrupt.db",
}


def test_every_command_has_arguments_when_it_requires_some() -> None:
    missing = [p for p in command_paths(cli) if _required_arguments(p) and p not in ARGUMENTS]
    assert not missing, f"give these commands arguments in ARGUMENTS: {missing}"
    assert {"db status", "db check-integrity", "maintenance run", "status"} <= set(
        command_paths(cli))


@pytest.mark.parametrize("case", sorted(UNUSABLE))
def test_every_command_fails_in_one_line(tmp_path: Path, case: str) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    (tmp_path / "corrupt.db").write_bytes(b"this is not an SQLite database " * 40)
    env = _env(tmp_path, GUILDHALL_DATABASE__URL=UNUSABLE[case].format(tmp=tmp_path),
               DISCORD_TOKEN="matrix-token",
               GUILDHALL_DISCORD__API_BASE="http://127.0.0.1:1/api/v10")
    paths = command_paths(cli)

    def run(path: str):
        return guildhall(*path.split(), *ARGUMENTS.get(path, []), env=env, cwd=tmp_path,
                         timeout=300)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(paths, pool.map(run, paths), strict=True))
    for path, result in results.items():
        expected = EXPECTED.get(path, EXIT_DATABASE)
        assert result.returncode == expected, (path, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr, (path, result.stderr)
        if expected:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, (path, result.stderr)
            if expected == EXIT_DATABASE:
                assert lines[0].startswith("error: cannot use the database "), (path, lines)


def test_unreachable_redis_is_named_with_its_own_code(tmp_path: Path) -> None:
    env = _env(tmp_path, GUILDHALL_REDIS__URL="redis://127.0.0.1:1/0")
    result = guildhall("status", env=env, cwd=tmp_path)
    assert result.returncode == EXIT_REDIS, result.stderr
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip()] and "cannot use Redis at redis://127.0.0.1:1/0" in result.stderr


def test_status_without_reports_fails(tmp_path: Path) -> None:
    result = guildhall("status", "--json", env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == EXIT_FAILED
    assert result.stdout.strip() == "[]"
    assert "no worker has reported yet" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("GUILDHALL_PLUGINS__ENABLED", "leveling,moderation",
         "GUILDHALL_PLUGINS__ENABLED = 'leveling,moderation': not valid JSON; "
         "write a JSON list, e.g. '[\"leveling\", \"moderation\"]'"),
        ("GUILDHALL_DATABASE__POOL_MAX_SIZE", "abc",
         "environment variable GUILDHALL_DATABASE__POOL_MAX_SIZE: database.pool_max_size"),
        ("GUILDHALL_BOT__OWNER_IDS", "123", "write a JSON list, e.g. '[123]'"),
        ("GUILDHALL_DATABSE__URL", "sqlite://x.db",
         "GUILDHALL_DATABSE__URL: databse.url is an unknown setting"),
    ],
)
def test_configuration_errors_name_the_variable(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = guildhall("config", "check", env=_env(tmp_path, **{variable: value}), cwd=tmp_path)
    assert result.returncode == EXIT_CONFIG
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "config.toml:" not in lines[0]


@pytest.mark.parametrize(
    ("setting", "url", "code", "expected"),
    [
        ("GUILDHALL_DATABASE__URL", "postgres://postgres@127.0.0.1:5432/guildhall_no_such_db",
         EXIT_DATABASE, "the database does not exist"),
        ("GUILDHALL_DATABASE__URL", "postgres://guildhall_no_such_role@127.0.0.1:5432/postgres",
         EXIT_DATABASE, "authentication failed"),
        ("GUILDHALL_REDIS__URL", "redis://guildhall-no-such-user:pw@{redis}",
         EXIT_REDIS, "authentication failed"),
    ],
)
def test_a_running_server_refusing_us_is_named(
    tmp_path: Path, guildhall_services: dict, setting: str, url: str, code: int, expected: str
) -> None:
    """Against the real servers of the run: an unknown database, role or Redis user."""
    pg, redis = guildhall_services["postgres"], guildhall_services["redis"]
    if pg is None or redis is None:
        pytest.skip("needs the run's PostgreSQL and Redis")
    host = redis.url.split("://", 1)[1]
    if url.startswith("postgres://"):
        server = pg.url.split("@", 1)[1].split("/", 1)[0]
        url = url.replace("127.0.0.1:5432", server)
    command = ["status"] if setting == "GUILDHALL_REDIS__URL" else ["db", "status"]
    env = _env(tmp_path, **{setting: url.format(redis=host)})
    result = guildhall(*command, env=env, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert ":pw@" not in lines[0]  # the password is masked


def test_a_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    target = tmp_path / "a-file" / "DATABASE.md"
    result = guildhall("db", "docs", "--output", str(target), env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == EXIT_FAILED
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "a-file" in line and "Traceback" not in line
