"""SIGTERM a leading worker while every duty is mid-work: it stops in time, cleanly.

A real ``guildhall run`` (launcher + one worker process) on SQLite leads with all three
duties. The test waits until, at one moment, a timer handler is stuck in slow REST (the
double delays message posts by minutes), the archive job is moving batches and a backup
is being written; then it sends SIGTERM. The launcher must return 0 - every worker
stopped by itself within ``stop_timeout_seconds`` - and nothing is half-done: the timer
row is finished or claimable again, each transaction row is hot or archived exactly once,
every ``maintenance_runs`` record is closed, and no partial or unverified backup is left
looking complete.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.backup.files import list_backups
from core.db.database import close_database, sqlite_path
from core.db.models import MaintenanceRun
from core.runtime.assembly import Runtime
from core.testing.databases import DatabaseFactory
from core.testing.double import DiscordDouble
from core.testing.pytest_plugin import make_settings
from plugins.economy.models import Transaction, TransactionArchive
from plugins.reminders.models import Reminder
from tests.cluster.launcher_kit import START, Launcher, cluster_settings, wait_ready
from tests.core.maintenance.maintenance_support import add_transactions

pytestmark = [pytest.mark.processes, pytest.mark.reliability]
PLUGINS = ["economy", "reminders"]
ROWS = 60_000  # old transactions: the archive job moves them in batches of 100
BALLAST_MB = 64  # incompressible bytes, so writing and verifying the backup takes a while
STOP_TIMEOUT = 20.0  # the launcher's deadline per worker: the subject of the test
SLACK = 60.0  # everything else is generous: the clock is not the subject there


@pytest.fixture
async def database(guildhall_database_factory: DatabaseFactory) -> AsyncIterator[str]:
    """A migrated SQLite file, opened in the test process too (to seed and inspect)."""
    url = await guildhall_database_factory.create_migrated(
        "sqlite", make_settings("sqlite://:memory:", PLUGINS))
    await Runtime.from_settings(make_settings(url, PLUGINS)).open_database()
    yield url
    await close_database()


def add_ballast(url: str) -> None:
    conn = sqlite3.connect(sqlite_path(url), timeout=30)
    conn.execute("CREATE TABLE ballast (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    conn.executemany("INSERT INTO ballast (body) VALUES (?)",
                     ((os.urandom(256 * 1024),) for _ in range(BALLAST_MB * 4)))
    conn.commit()
    conn.close()


async def all_duties_busy(reminder: int, backups: Path) -> dict[str, bool]:
    row = await Reminder.get(pk=reminder)
    archived = await TransactionArchive.all().count()
    return {
        "timer handler in flight": row.claimed_epoch is not None and not row.completed,
        "archive job mid-way": 0 < archived < ROWS,
        "backup being written": bool(partial_files(backups)),
    }


def partial_files(directory: Path) -> list[str]:
    """Names of the temporary files a backup in progress writes (``*.partial``)."""
    if not directory.is_dir():
        return []
    return [p.name for p in directory.iterdir() if p.name.endswith(".partial")]


async def test_sigterm_while_every_duty_is_mid_work(database: str, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    settings = cluster_settings(make_settings(database, PLUGINS), tmp_path, shard_count=1,
                                shards_per_cluster=1, stop_timeout_seconds=STOP_TIMEOUT)
    async with DiscordDouble(shard_count=1) as double:
        guild = double.create_guild("g", shard=0)
        member = double.add_member(guild, "someone")
        channel = guild.text_channels[0]
        await add_transactions(ROWS, datetime.now(UTC) - timedelta(days=400))
        before = set(await Transaction.all().values_list("id", flat=True))
        reminder = await Reminder.create(
            user_id=member.id, channel_id=channel.id, guild_id=guild.id, message="tea",
            remind_at=datetime.now(UTC) - timedelta(seconds=1))
        await asyncio.to_thread(add_ballast, database)
        double.faults.delay(600_000, "/channels/{channel_id}/messages", "POST")

        launcher = Launcher(settings, double, tmp_path / "run.log", env={
            "GUILDHALL_LEADER__DUTIES": json.dumps(["timers", "maintenance", "backups"]),
            "GUILDHALL_BACKUP__DIRECTORY": str(backups),
            "GUILDHALL_MAINTENANCE__BATCH_SIZE": "100",
        })
        await launcher.start()
        try:
            await wait_ready(settings, 1)
            deadline = time.monotonic() + START
            busy = await all_duties_busy(reminder.pk, backups)
            while not all(busy.values()):
                assert time.monotonic() < deadline, f"duties never all busy at once: {busy}"
                await asyncio.sleep(0.02)
                busy = await all_duties_busy(reminder.pk, backups)
        finally:
            code = await launcher.stop(timeout=STOP_TIMEOUT + SLACK)
        output = launcher.output()
        assert code == 0, output[-4000:]
        assert "did not stop within" not in output, output[-4000:]
        assert "stepped down from epoch" in output

    # The timer: not delivered, so due again (claim released) - never stuck half-done.
    row = await Reminder.get(pk=reminder.pk)
    assert row.completed or row.claimed_until is None \
        or row.claimed_until <= datetime.now(UTC), row
    # Maintenance: whole batches; every run record closed.
    hot = set(await Transaction.all().values_list("id", flat=True))
    cold = set(await TransactionArchive.all().values_list("id", flat=True))
    assert not hot & cold and hot | cold == before
    assert await MaintenanceRun.filter(finished_at=None).count() == 0
    # Backups: nothing partial left, and nothing unverified that looks complete.
    assert partial_files(backups) == []
    for backup in list_backups(backups):
        assert backup.manifest is not None and backup.manifest.verified, backup
