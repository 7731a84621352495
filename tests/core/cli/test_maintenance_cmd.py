"""``guildhall maintenance run`` and ``guildhall db check-integrity`` as a user runs them."""

from __future__ import annotations

import os
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
