"""``guildhall maintenance run`` and ``guildhall db check-integrity`` as a user runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.db.models import GuildMember, MaintenanceRun, User
from plugins.economy.models import Transaction, TransactionArchive
from plugins.moderation.models import TempPunishment
from tests.core.maintenance.maintenance_support import (
    add_transactions,
    plant_orphan_member,
    snapshot,
)
from tests.helpers import guildhall


def _env(runtime) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GUILDHALL_") and k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    env["DATABASE_URL"] = runtime.settings.database.url.get_secret_value()
    env["GUILDHALL_LOGGING__LEVEL"] = "WARNING"
    env["COLUMNS"] = "200"
    return env


async def test_run_prints_rows_and_time_per_job_and_records_runs(guildhall_db, tmp_path: Path):
    old = datetime.now(UTC) - timedelta(days=200)
    await add_transactions(1500, old)
    result = guildhall("maintenance", "run", "--job", "economy.transactions.archive",
                       env=_env(guildhall_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "economy.transactions.archive" in x)
    assert "1500" in line and "ok" in line
    assert "seconds" in result.stdout
    assert await TransactionArchive.all().count() == 1500
    run = await MaintenanceRun.get(job="economy.transactions.archive")
    assert run.ok and run.rows == 1500 and run.finished_at is not None


async def test_dry_run_counts_and_changes_nothing(guildhall_db, tmp_path: Path) -> None:
    await add_transactions(120, datetime.now(UTC) - timedelta(days=200))
    before = await snapshot()
    result = guildhall("maintenance", "run", "--dry-run", env=_env(guildhall_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dry run (nothing changed)" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "economy.transactions.archive" in x)
    assert " 120 " in line and "would be archived" in line
    assert await snapshot() == before


async def test_unknown_job_lists_the_jobs_and_runs_nothing(guildhall_db, tmp_path: Path) -> None:
    result = guildhall("maintenance", "run", "--job", "economy.nope", env=_env(guildhall_db),
                       cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown maintenance job(s): economy.nope" in result.stderr
    assert "economy.transactions.archive" in result.stderr and "core.db_care" in result.stderr
    assert "Traceback" not in result.stderr
    assert await MaintenanceRun.all().count() == 0


async def test_check_integrity_exits_0_on_clean_data(guildhall_db, tmp_path: Path) -> None:
    await User.create(user_id=1, username="a")
    await GuildMember.create(user_id=1, guild_id=2, coins=5)
    await Transaction.create(user_id=1, guild_id=2, amount=5, transaction_type="daily")
    result = guildhall("db", "check-integrity", env=_env(guildhall_db), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all integrity checks passed" in result.stdout


async def test_check_integrity_exits_1_on_each_planted_violation(
    guildhall_db, tmp_path: Path
) -> None:
    await User.create(user_id=1, username="a")
    await GuildMember.create(user_id=1, guild_id=2, coins=50)
    await Transaction.create(user_id=1, guild_id=2, amount=40, transaction_type="daily")
    await plant_orphan_member(66, 2)
    await TempPunishment.create(user_id=8, guild_id=2, punishment_type="mute",
                                expires_at=datetime.now(UTC) - timedelta(minutes=30))
    result = guildhall("db", "check-integrity", env=_env(guildhall_db), cwd=tmp_path)
    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    assert "user 1 guild 2: expected 40" in out and "actual coins 50" in out
    assert "user 66 (guild 2) has no users row" in out
    assert "mute of user 8 in guild 2" in out
    assert "integrity violations in:" in result.stderr


def _progress_env(runtime) -> dict[str, str]:
    env = _env(runtime)
    env["GUILDHALL_LOGGING__LEVEL"] = "INFO"
    env["GUILDHALL_MAINTENANCE__BATCH_SIZE"] = "500"
    return env


async def test_run_in_a_pipe_logs_progress_lines(guildhall_db, tmp_path: Path) -> None:
    await add_transactions(1500, datetime.now(UTC) - timedelta(days=200))
    result = guildhall("maintenance", "run", "--job", "economy.transactions.archive",
                       env=_progress_env(guildhall_db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [x for x in result.stderr.splitlines() if "maintenance: economy.transactions" in x]
    assert "0 / 1,500 rows (0%)" in lines[0]
    assert "1,500 / 1,500 rows (100%)" in lines[-1] and "rows/s" in lines[-1]
    assert "INFO" in lines[0] and "\x1b[" not in result.stderr  # log lines, no bar
    assert await TransactionArchive.all().count() == 1500


async def test_dry_run_prints_each_result_once(guildhall_db, tmp_path: Path) -> None:
    await add_transactions(120, datetime.now(UTC) - timedelta(days=200))
    result = guildhall("maintenance", "run", "--dry-run", env=_progress_env(guildhall_db),
                       cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    jobs = ("economy.transactions.archive", "moderation.warnings.expire",
            "analytics.command_stats.rollup", "core.integrity", "core.db_care")
    for job in jobs:
        assert output.count(job) == 1, (job, output)
    assert output.count("would be archived") == 1


def _run_on_a_terminal(args: tuple[str, ...], env: dict[str, str], cwd: Path
                       ) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (stdout piped); return its exit code,
    what the terminal received and stdout."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from core.cli import main; main()", *args],
        stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd,
    )
    os.close(slave)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last holder of the terminal closed it
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    stdout = process.stdout.read() if process.stdout else b""
    code = process.wait(timeout=120)
    return code, received.decode(errors="replace"), stdout.decode()


async def test_run_on_a_terminal_draws_a_progress_bar(guildhall_db, tmp_path: Path) -> None:
    await add_transactions(1500, datetime.now(UTC) - timedelta(days=200))
    env = {**_progress_env(guildhall_db), "TERM": "xterm-256color"}
    code, terminal, stdout = await asyncio.to_thread(
        _run_on_a_terminal, ("maintenance", "run", "--job", "economy.transactions.archive"),
        env, tmp_path,
    )
    assert code == 0, terminal
    assert "\x1b[" in terminal and "━" in terminal  # a rich bar, redrawn in place
    assert "economy.transactions.archive" in terminal
    assert "1,500/1,500 rows" in terminal and "rows/s" in terminal
    assert "maintenance: economy.transactions.archive" not in terminal  # no log lines
    line = next(x for x in stdout.splitlines() if "economy.transactions.archive" in x)
    assert "1500" in line and "ok" in line
