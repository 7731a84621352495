"""``guildhall backup`` and ``guildhall restore`` as an operator runs them: subprocesses."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.backup.files import list_backups
from tests.core.backup.backup_support import COMPARED_TABLES, populate, read_rows
from tests.helpers import ROOT, guildhall


def cli_env(database_url: str, backup_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    env.update(DATABASE_URL=database_url, GUILDHALL_BACKUP__DIRECTORY=str(backup_dir),
               GUILDHALL_LOGGING__LEVEL="WARNING")
    return env


@pytest.fixture
async def populated(guildhall_db, guildhall_settings) -> str:
    """The URL of a migrated database with rows in several tables."""
    await populate(150)
    return guildhall_settings.database.url.get_secret_value()


async def test_backup_then_restore_to_another_database(
    populated, guildhall_engine, guildhall_database_factory, tmp_path
) -> None:
    backups = tmp_path / "backups"
    made = guildhall("backup", env=cli_env(populated, backups), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "backup verified:" in made.stdout and "users" in made.stdout
    (backup,) = list_backups(backups)
    assert backup.verified and backup.path.name in made.stdout

    target = await guildhall_database_factory.create_empty(guildhall_engine)
    restored = guildhall("restore", str(backup.path), "--to", target,
                         env=cli_env(populated, backups), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "restore verified: row counts equal the manifest" in restored.stdout
    assert "149" in restored.stdout  # users row count printed in the table
    for table in COMPARED_TABLES:
        assert await read_rows(target, table) == await read_rows(populated, table)

    again = guildhall("restore", str(backup.path), "--to", target,
                      env=cli_env(populated, backups), cwd=tmp_path)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize("guildhall_engine", ["postgres"], indirect=True)
async def test_restore_into_an_unreachable_database_says_so_in_one_line(
    populated, tmp_path
) -> None:
    backups = tmp_path / "backups"
    assert guildhall("backup", env=cli_env(populated, backups), cwd=tmp_path).returncode == 0
    (backup,) = list_backups(backups)
    failed = guildhall("restore", str(backup.path), "--to", "postgres://postgres@127.0.0.1:1/x",
                       env=cli_env(populated, backups), cwd=tmp_path)
    assert failed.returncode == 3, failed.stderr
    (line,) = failed.stderr.strip().splitlines()
    assert line.startswith("error: restore failed: cannot connect to PostgreSQL 127.0.0.1:1/x: ")


async def test_restore_to_configured_database_requires_force(populated, tmp_path) -> None:
    backups = tmp_path / "backups"
    assert guildhall("backup", env=cli_env(populated, backups), cwd=tmp_path).returncode == 0
    (backup,) = list_backups(backups)
    refused = guildhall("restore", str(backup.path), env=cli_env(populated, backups),
                        cwd=tmp_path)
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    forced = guildhall("restore", str(backup.path), "--force",
                       env=cli_env(populated, backups), cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


async def test_backup_errors_are_clear_and_leave_nothing(populated, tmp_path) -> None:
    blocker = tmp_path / "backups"
    blocker.write_text("a file, not a directory")
    failed = guildhall("backup", env=cli_env(populated, blocker), cwd=tmp_path)
    assert failed.returncode == 1
    assert "backup failed: [backup] directory" in failed.stderr
    assert "is not a directory" in failed.stderr and "Traceback" not in failed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups"]


def test_restore_of_a_missing_file_or_bad_url_is_clear(tmp_path: Path) -> None:
    env = cli_env(f"sqlite://{tmp_path}/db.sqlite", tmp_path)
    missing = guildhall("restore", str(tmp_path / "nope.db.gz"), env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "backup file not found" in missing.stderr
    bad = guildhall("restore", str(tmp_path / "nope.db.gz"), "--to", "mysql://x/y",
                    env=env, cwd=tmp_path)
    assert bad.returncode == 1 and "unsupported database URL" in bad.stderr
    assert list(tmp_path.iterdir()) == []


def _limit_file_size() -> None:
    """In the child: files may not grow past 16 KiB (writes fail, as on a full disk)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def backup_with_small_file_limit(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``guildhall backup`` in a child whose files cannot grow past 16 KiB."""
    return subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", "backup"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
        preexec_fn=_limit_file_size,
    )


async def test_backup_that_runs_out_of_space_leaves_no_partial_file(populated, tmp_path) -> None:
    backups = tmp_path / "backups"
    failed = backup_with_small_file_limit(cli_env(populated, backups))
    assert failed.returncode == 1
    assert "backup failed:" in failed.stderr and "Traceback" not in failed.stderr
    assert list(backups.iterdir()) == []
