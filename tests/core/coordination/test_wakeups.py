"""Wake-ups across real processes: Unix datagram socket, Redis pub/sub, PostgreSQL NOTIFY."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.coordination import coordination_for, wakeups
from core.coordination.wakeups import (
    LocalWakeups,
    PostgresWakeups,
    RedisWakeups,
    SocketWakeups,
    decode_due,
    socket_path_for,
)
from tests.helpers import ROOT


def send_from_another_process(*args: str) -> None:
    """Run ``tests.core.coordination.wakeup_sender`` in a new interpreter.

    Fails on a non-zero exit.
    """
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.coordination.wakeup_sender", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr


class Inbox:
    """A wake-up callback collecting due times."""

    def __init__(self) -> None:
        self.received: list[datetime] = []
        self.event = asyncio.Event()

    def __call__(self, due_at: datetime) -> None:
        self.received.append(due_at)
        self.event.set()

    async def first(self) -> datetime:
        """The first due time received (fails after 10 s)."""
        await asyncio.wait_for(self.event.wait(), 10)
        return self.received[0]


DUE = datetime(2031, 5, 17, 8, 30, 15, 250_000, tzinfo=UTC)


async def test_socket_wakeup_from_another_process(tmp_path: Path) -> None:
    path = socket_path_for(tmp_path / "guildhall.db")
    path.write_text("stale file of a dead leader")
    listener, inbox = SocketWakeups(path), Inbox()
    await listener.listen(inbox)
    try:
        await asyncio.to_thread(
            send_from_another_process, "socket", str(path), str(DUE.timestamp())
        )
        assert await inbox.first() == DUE
    finally:
        await listener.close()
    assert not path.exists()


async def test_socket_wakeup_without_a_listener_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "nobody.wakeup"
    sender = SocketWakeups(path)
    await sender.notify_created(DUE)  # no file at all
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stale.bind(str(path))
    stale.close()  # a dead leader's socket file: connection refused
    await sender.notify_created(DUE)
    await sender.close()
    assert path.exists()


def test_socket_lives_next_to_the_database_unless_the_path_is_too_long(tmp_path: Path) -> None:
    assert socket_path_for(tmp_path / "g.db") == tmp_path.resolve() / "g.db.wakeup"
    deep = tmp_path / ("d" * 120) / "guildhall.db"
    path = socket_path_for(deep)
    assert len(os.fsencode(path)) <= 100 and path.name.startswith("guildhall-wakeup-")
    assert socket_path_for(deep) == path


async def test_redis_wakeup_from_another_process(guildhall_redis_url: str) -> None:
    channel = f"test:wakeup:{uuid.uuid4().hex}"
    listener, inbox = RedisWakeups(guildhall_redis_url, channel), Inbox()
    await listener.listen(inbox)
    try:
        await asyncio.to_thread(
            send_from_another_process, "redis", guildhall_redis_url, channel, str(DUE.timestamp())
        )
        assert await inbox.first() == DUE
    finally:
        await listener.close()


async def test_postgres_wakeup_from_another_process(guildhall_services) -> None:
    if guildhall_services["postgres"] is None:
        pytest.skip(guildhall_services["reasons"]["postgres"])
    dsn = guildhall_services["postgres"].url
    channel = f"test_wakeup_{uuid.uuid4().hex}"
    listener, inbox = PostgresWakeups(dsn, channel), Inbox()
    await listener.listen(inbox)
    try:
        await asyncio.to_thread(
            send_from_another_process, "postgres", dsn, channel, str(DUE.timestamp())
        )
        assert await inbox.first() == DUE
    finally:
        await listener.close()


async def test_the_deployment_backend_delivers_on_both_engines(guildhall_db) -> None:
    """SQLite: the socket next to the file; PostgreSQL: NOTIFY through the open ORM pool."""
    settings = guildhall_db.settings.model_copy(deep=True)
    settings.redis.url = type(settings.redis.url)("")  # no Redis: the database's channel
    chosen = coordination_for(settings)
    listener, sender, inbox = chosen.make_wakeups(), chosen.make_wakeups(), Inbox()
    expected = SocketWakeups if settings.database.dialect == "sqlite" else (
        PostgresWakeups
    )
    assert isinstance(listener, expected)
    await listener.listen(inbox)
    try:
        await sender.notify_created(DUE)
        assert await inbox.first() == DUE
    finally:
        await listener.close()
        await sender.close()


async def test_malformed_messages_are_ignored_with_a_warning(caplog) -> None:
    inbox = Inbox()
    channel = LocalWakeups()
    await channel.listen(inbox)
    channel._deliver(b"not a time")
    channel._deliver(b"1e400")
    assert inbox.received == []
    assert caplog.text.count("ignoring a malformed wake-up message") == 2
    assert decode_due("1.5") == datetime(1970, 1, 1, 0, 0, 1, 500_000, tzinfo=UTC)


async def test_module_level_notify_uses_the_installed_channel() -> None:
    await wakeups.notify_created(DUE)  # nothing installed: a no-op
    channel, inbox = LocalWakeups(), Inbox()
    await channel.listen(inbox)
    wakeups.install(channel)
    try:
        await wakeups.notify_created(DUE.replace(tzinfo=None))  # naive means UTC
        assert inbox.received == [DUE]
        with pytest.raises(RuntimeError, match="already listening"):
            await channel.listen(inbox)
    finally:
        wakeups.install(None)
        await channel.close()


def test_backend_follows_the_deployment(tmp_path: Path) -> None:
    from core.testing.pytest_plugin import make_settings

    sqlite = make_settings(f"sqlite://{tmp_path}/g.db", [])
    assert isinstance(coordination_for(sqlite).make_wakeups(), SocketWakeups)
    memory = coordination_for(make_settings("sqlite://:memory:", []))
    assert isinstance(memory.make_wakeups(), LocalWakeups)
    postgres = make_settings("postgres://postgres@127.0.0.1:5432/g", [])
    assert isinstance(coordination_for(postgres).make_wakeups(), PostgresWakeups)
    with_redis = make_settings("postgres://postgres@127.0.0.1:5432/g", [],
                               redis={"url": "redis://127.0.0.1:6379/0"})
    chosen = coordination_for(with_redis).make_wakeups()
    assert isinstance(chosen, RedisWakeups)
    assert chosen.channel == f"{with_redis.leader.key}:wakeup"
