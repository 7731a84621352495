"""The file-lock lease: exclusive flock, epoch kept in the lock file, lock path rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.coordination.lease import LeaseNotHeld
from core.coordination.lease_file import FileLease, lock_path
from core.runtime.config import Settings


async def test_one_holder_and_epoch_survives_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite.leader.lock"
    a, b = FileLease(path, poll_seconds=0.2), FileLease(path, poll_seconds=0.2)
    try:
        won = await a.try_acquire()
        assert won.won and won.epoch == 1
        refused = await b.try_acquire()
        assert not refused.won and refused.retry_after == 0.2
        assert await a.renew() is True
        assert await a.release() is True
        assert await a.release() is False  # nothing held any more
        taken = await b.try_acquire()
        assert taken.won and taken.epoch == 2
        assert int(path.read_bytes()[:20]) == 2
        with pytest.raises(LeaseNotHeld):
            await b.try_acquire()  # one lease per backend
    finally:
        await a.close()
        await b.close()
    fresh = FileLease(path, poll_seconds=0.2)  # a restarted process continues the count
    assert (await fresh.try_acquire()).epoch == 3
    await fresh.close()


async def test_raise_epoch_needs_the_lock_and_never_lowers(tmp_path: Path) -> None:
    lease = FileLease(tmp_path / "x.lock", poll_seconds=0.1)
    with pytest.raises(LeaseNotHeld):
        await lease.raise_epoch(5)
    assert (await lease.try_acquire()).epoch == 1
    assert await lease.raise_epoch(7) == 7
    assert await lease.raise_epoch(3) == 7
    await lease.release()
    assert (await lease.try_acquire()).epoch == 8
    await lease.close()


async def test_renew_fails_when_the_lock_file_was_replaced(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder, other = FileLease(path, 0.1), FileLease(path, 0.1)
    assert (await holder.try_acquire()).won
    os.unlink(path)  # someone deleted the file: a new one is lockable by others
    assert (await other.try_acquire()).won
    assert await holder.renew() is False
    assert await holder.release() is False  # renew already let go of the stale lock
    await other.close()


def test_lock_path_per_database_kind() -> None:
    sqlite = Settings(database={"url": "sqlite://data/bot.db"})
    assert lock_path(sqlite) == Path("data/bot.db.leader.lock")
    pg = Settings(database={"url": "postgres://bot@db.example:5433/guild hall"},
                  leader={"key": "gh:leader"})
    assert lock_path(pg) == Path("data/gh_leader-db.example-5433-guild_hall.leader.lock")
    memory = Settings(database={"url": "sqlite://:memory:"})
    assert lock_path(memory).name == f"guildhall-memory-{os.getpid()}.leader.lock"
