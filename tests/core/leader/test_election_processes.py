"""The lease across real OS processes: one leader, crash and pause takeover, fencing.

Each candidate is ``python -m tests.core.leader.leader_candidate`` (ttl 1.5 s, renew 0.3 s)
doing fenced writes into ``maintenance_runs`` while it leads; the write log proves that
at any time one epoch acts: epochs never go back in commit order.
"""

from __future__ import annotations

import asyncio
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.testing.databases import DatabaseFactory
from core.testing.pytest_plugin import make_settings
from tests.core.leader.leader_support import (
    CandidateProcess,
    ThrowawayRedis,
    assert_one_writer_at_a_time,
    leaders,
    wait_until,
    write_log,
)

TTL = 1.5
MARGIN = 1.0  # scheduling slack on a busy 2-core machine
START = 30.0  # generous: a candidate process starts in ~1 s, slower under load


async def _open(factory: DatabaseFactory, engine: str) -> str:
    url = await factory.create_migrated(engine, make_settings("sqlite://:memory:", []))
    await Runtime.from_settings(make_settings(url, [])).open_database()
    return url


@pytest.fixture
async def pg_url(guildhall_database_factory: DatabaseFactory,
                 guildhall_services: dict) -> AsyncIterator[str]:
    """A migrated PostgreSQL database, also opened in the test process to read the log."""
    if guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    url = await _open(guildhall_database_factory, "postgres")
    yield url
    await close_database()
    await guildhall_database_factory.drop(url)


@pytest.fixture
async def sqlite_url(guildhall_database_factory: DatabaseFactory) -> AsyncIterator[str]:
    """A migrated SQLite database file, opened in the test process too."""
    url = await _open(guildhall_database_factory, "sqlite")
    yield url
    await close_database()


@pytest.fixture
def spawn() -> Iterator:
    """Start candidate processes; all are killed at the end of the test."""
    started: list[CandidateProcess] = []

    def start(names: str, database_url: str, redis_url: str = "", **options) -> list:
        key = options.pop("key", f"test:procs:{uuid.uuid4().hex}")
        batch = [CandidateProcess(name, database_url, redis_url, key=key, **options)
                 for name in names]
        started.extend(batch)
        return batch

    yield start
    for candidate in started:
        candidate.close()


def the_leader(candidates: list[CandidateProcess], timeout: float = START) -> CandidateProcess:
    """Wait until exactly one candidate leads and has written; return it."""
    wait_until(lambda: len(leaders(candidates)) == 1 and any(
        c.snapshot("write") for c in candidates if c.is_leading()), timeout, "one leader")
    return next(c for c in candidates if c.is_leading())


def wait_ready(candidates: list[CandidateProcess]) -> None:
    for candidate in candidates:
        candidate.wait_for(lambda e: e["event"] == "ready", START)


@pytest.mark.parametrize("count", [2, 3])
async def test_exactly_one_leader_among_processes(
    count: int, pg_url: str, guildhall_redis_url: str, spawn
) -> None:
    candidates = spawn("ABC"[:count], pg_url, guildhall_redis_url)
    wait_ready(candidates)
    leader = the_leader(candidates)
    observed_until = time.monotonic() + 3.0
    while time.monotonic() < observed_until:
        assert leaders(candidates) == [leader.identity]
        await asyncio.sleep(0.02)
    for other in candidates:
        if other is not leader:
            assert other.snapshot("won") == []
            other.wait_for(lambda e: "held by another process" in e.get("message", ""), START)
    log = await write_log()
    assert len(log) >= 10
    assert assert_one_writer_at_a_time(log) == [leader.snapshot("won")[0]["epoch"]]


async def test_sigkill_leader_is_replaced_within_the_ttl(
    pg_url: str, guildhall_redis_url: str, spawn
) -> None:
    candidates = spawn("ABC", pg_url, guildhall_redis_url)
    wait_ready(candidates)
    leader = the_leader(candidates)
    old_epoch = leader.snapshot("won")[-1]["epoch"]
    await asyncio.sleep(0.5)
    killed_at = time.time()
    leader.send(signal.SIGKILL)
    rest = [c for c in candidates if c is not leader]
    wait_until(lambda: bool(leaders(rest)), START, "a new leader")  # liveness only
    successor = next(c for c in rest if c.is_leading())
    won = successor.snapshot("won")[-1]
    assert won["epoch"] > old_epoch
    print(f"redis takeover after SIGKILL: {won['t'] - killed_at:.2f}s (ttl {TTL}s)")
    assert won["t"] - killed_at < TTL + MARGIN, f"takeover took {won['t'] - killed_at:.2f}s"
    successor.wait_for(lambda e: e["event"] == "write", START)
    assert assert_one_writer_at_a_time(await write_log()) == [old_epoch, won["epoch"]]


async def test_paused_leader_is_fenced_out_after_resuming(
    pg_url: str, guildhall_redis_url: str, spawn
) -> None:
    candidates = spawn("AB", pg_url, guildhall_redis_url, write_interval=0.25)
    wait_ready(candidates)
    old = the_leader(candidates)
    new = next(c for c in candidates if c is not old)
    old_epoch = old.snapshot("won")[-1]["epoch"]
    old.wait_for(lambda e: e["event"] == "write", START, after=time.time())
    old.send(signal.SIGSTOP)  # right after a commit: not inside a transaction
    stopped_at = time.time()
    won = new.wait_for(lambda e: e["event"] == "won", START)
    print(f"takeover from a stopped leader: {won['t'] - stopped_at:.2f}s")
    new.wait_for(lambda e: e["event"] == "write", START)
    await asyncio.sleep(0.5)
    resumed_at = time.time()
    assert resumed_at - stopped_at > TTL
    old.send(signal.SIGCONT)
    probe = old.wait_for(lambda e: e["event"] == "probe", START)
    assert probe == {**probe, "epoch": old_epoch, "result": "rejected"}
    old.wait_for(lambda e: e["event"] == "work_cancelled", START)
    old.wait_for(lambda e: "stepped down" in e.get("message", ""), START)
    assert [e for e in old.snapshot("write") if e["t"] >= resumed_at] == []
    await asyncio.sleep(1.0)
    assert leaders(candidates) == [new.identity]
    log = await write_log()
    assert assert_one_writer_at_a_time(log) == [old_epoch, won["epoch"]]
    assert log[-1][1:] == (won["epoch"], new.identity)


async def test_redis_restart_pauses_and_resumes_leadership(pg_url: str, spawn) -> None:
    server = ThrowawayRedis().start()
    try:
        candidates = spawn("AB", pg_url, server.url)
        wait_ready(candidates)
        leader = the_leader(candidates)
        first_epoch = leader.snapshot("won")[-1]["epoch"]
        await asyncio.sleep(0.5)
        down_at = time.time()
        server.stop()
        cancelled = leader.wait_for(lambda e: e["event"] == "work_cancelled", START)
        print(f"work cancelled {cancelled['t'] - down_at:.2f}s after Redis died (ttl {TTL}s)")
        assert cancelled["t"] - down_at < TTL, "leader work outlived the lease"
        await asyncio.sleep(2.5)  # Redis stays down: nobody may lead
        assert leaders(candidates) == []
        assert [e for c in candidates for e in c.snapshot("write") if e["t"] > down_at + TTL] == []
        for candidate in candidates:
            outage = [e for e in candidate.snapshot("log") if "unavailable" in e["message"]]
            assert len(outage) == 1, outage  # logged once, not per attempt
        server.start()  # empty: the epoch counter starts again from 0
        back = the_leader(candidates)
        second_epoch = back.snapshot("won")[-1]["epoch"]
        print(f"epochs across the Redis restart: {first_epoch} -> {second_epoch}")
        assert any("not above the database fence" in e["message"]
                   for e in back.snapshot("log")), "the emptied counter was lifted"
        assert second_epoch > first_epoch
        log = await write_log()
        assert assert_one_writer_at_a_time(log) == [first_epoch, second_epoch]
    finally:
        server.cleanup()


async def test_file_lock_takeover_on_sqlite(sqlite_url: str, spawn) -> None:
    candidates = spawn("AB", sqlite_url)
    wait_ready(candidates)
    holder = the_leader(candidates)
    other = next(c for c in candidates if c is not holder)
    first_epoch = holder.snapshot("won")[-1]["epoch"]
    await asyncio.sleep(0.5)
    assert leaders(candidates) == [holder.identity]
    killed_at = time.time()
    holder.send(signal.SIGKILL)
    # No TTL here: the kernel frees a dead holder's lock, so any takeover at all shows it.
    won = other.wait_for(lambda e: e["event"] == "won", START)
    print(f"file-lock takeover after SIGKILL: {won['t'] - killed_at:.2f}s")
    assert won["epoch"] == first_epoch + 1
    other.wait_for(lambda e: e["event"] == "write", START)
    log = await write_log()
    assert assert_one_writer_at_a_time(log) == [first_epoch, won["epoch"]]
