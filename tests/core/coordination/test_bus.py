"""The message bus: real Redis, real PostgreSQL and SQLite sockets across OS processes."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.coordination import bus, coordination_for
from core.coordination.bus import (
    MAX_MESSAGE_BYTES,
    Bus,
    LocalBus,
    PostgresBus,
    RedisBus,
    SocketBus,
    bus_directory_for,
)
from core.testing.bot_fixtures import eventually
from tests.helpers import ROOT


class Inbox:
    """A bus handler collecting payloads."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    def __call__(self, payload: dict[str, Any]) -> None:
        self.received.append(payload)


class Peer:
    """``tests.core.coordination.bus_peer`` running in another process, with where it listens."""

    def __init__(self, process: subprocess.Popen[str], endpoints: dict[str, tuple]) -> None:
        self.process = process
        self.endpoints = endpoints

    def bus(self, backend: str) -> Bus:
        """A bus of this process on the same channel as the peer's ``backend`` bus."""
        kind = {"redis": RedisBus, "postgres": PostgresBus, "socket": SocketBus}[backend]
        return kind(*self.endpoints[backend])


@pytest.fixture(scope="module")
def peer(guildhall_services: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    """One other process answering ``ping`` with ``pong`` on all three backends."""
    for name in ("redis", "postgres"):
        if guildhall_services[name] is None:
            pytest.skip(guildhall_services["reasons"][name])
    tag = uuid.uuid4().hex
    endpoints: dict[str, tuple] = {
        "redis": (guildhall_services["redis"].url, f"test:bus:{tag}"),
        "postgres": (guildhall_services["postgres"].url, f"test_bus_{tag}"),
        "socket": (tmp_path_factory.mktemp("bus") / "g.db.bus",),
    }
    args = [str(part) for value in endpoints.values() for part in value]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.core.coordination.bus_peer", *args], cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    yield Peer(process, endpoints)
    assert process.stdin is not None
    process.stdin.close()
    assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("backend", ["redis", "postgres", "socket"])
async def test_messages_cross_processes_both_ways(peer: Peer, backend: str) -> None:
    local = peer.bus(backend)
    pongs = Inbox()
    local.subscribe("pong", pongs)
    await local.start()
    try:
        payload = {"guild_id": 2**62, "text": "héllo \"quoted\" {braces}", "n": [1, None]}
        await local.publish("ping", payload)
        await eventually(lambda: pongs.received, timeout=10, message="no pong")
        assert pongs.received == [{"echo": payload, "via": backend}]
    finally:
        await local.stop()


async def test_the_publisher_runs_its_handlers_once_before_publish_returns(
    guildhall_redis_url: str,
) -> None:
    channel = f"test:bus:{uuid.uuid4().hex}"
    sender, receiver = (RedisBus(guildhall_redis_url, channel) for _ in range(2))
    mine, theirs, calls = Inbox(), Inbox(), []

    async def slow(payload: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)
        calls.append(payload)

    sender.subscribe("t", mine)
    sender.subscribe("t", slow)
    receiver.subscribe("t", theirs)
    await sender.start()
    await receiver.start()
    try:
        await sender.publish("t", {"k": 1})
        assert mine.received == [{"k": 1}] and calls == [{"k": 1}]  # awaited, not scheduled
        await eventually(lambda: theirs.received, message="other bus got nothing")
        await sender.publish("t", {"k": 2})  # the echo of k=1 arrived before k=2's did
        await eventually(lambda: len(theirs.received) == 2, message="second message lost")
        assert mine.received == [{"k": 1}, {"k": 2}]  # echoes through Redis were dropped
    finally:
        await sender.stop()
        await receiver.stop()


async def test_bad_payloads_are_refused_and_module_publish_never_raises(caplog) -> None:
    local = LocalBus()
    with pytest.raises(TypeError, match="must be a dict"):
        await local.publish("t", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max 7900"):
        await local.publish("t", {"x": "y" * MAX_MESSAGE_BYTES})
    with pytest.raises(TypeError):
        await local.publish("t", {"x": object()})
    with pytest.raises(ValueError, match="non-empty"):
        await local.publish("", {})
    bus.install(local)
    try:
        await bus.publish("t", {"x": object()})  # logged, not raised
    finally:
        bus.install(None)
    assert "bus publish on 't' failed" in caplog.text


async def test_a_failing_handler_does_not_stop_the_others(caplog) -> None:
    local, inbox = LocalBus(), Inbox()

    def broken(payload: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    local.subscribe("t", broken)
    local.subscribe("t", inbox)
    await local.publish("t", {"a": 1})
    local._received(b'{"o": "elsewhere", "t": "t", "p": {"a": 2}}')
    local._received(b"not json")
    local._received(b'{"o": "x", "t": "t", "p": [1]}')
    assert inbox.received == [{"a": 1}, {"a": 2}]
    assert "boom" in caplog.text and caplog.text.count("ignoring a malformed bus message") == 2
    local.unsubscribe("t", inbox)
    await local.publish("t", {"a": 3})
    assert len(inbox.received) == 2


async def test_install_and_current() -> None:
    fallback = bus.current()
    assert isinstance(fallback, LocalBus)
    inbox = Inbox()
    fallback.subscribe("local-only", inbox)
    try:
        await bus.publish("local-only", {"v": 1})  # without an installed bus: this process
        assert inbox.received == [{"v": 1}]
        mine = LocalBus()
        bus.install(mine)
        assert bus.current() is mine
        bus.install(None)
        assert bus.current() is fallback
    finally:
        fallback.unsubscribe("local-only", inbox)


async def test_socket_bus_removes_dead_peers_and_works_before_any_start(tmp_path: Path) -> None:
    directory = tmp_path / "g.db.bus"
    lonely = SocketBus(directory)
    await lonely.publish("t", {})  # no directory yet: nothing to do
    directory.mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(directory / "deadbeefdeadbeef"))
    dead.close()  # a crashed process's socket file
    alive, inbox = SocketBus(directory), Inbox()
    alive.subscribe("t", inbox)
    await alive.start()
    try:
        await lonely.publish("t", {"to": "alive"})
        await eventually(lambda: inbox.received, message="live peer got nothing")
        assert not (directory / "deadbeefdeadbeef").exists()
    finally:
        await alive.stop()
        await lonely.stop()
    assert list(directory.iterdir()) == []


def test_socket_directory_fits_socket_addresses(tmp_path: Path) -> None:
    assert bus_directory_for(tmp_path / "g.db") == tmp_path.resolve() / "g.db.bus"
    deep = bus_directory_for(tmp_path / ("d" * 120) / "guildhall.db")
    assert len(str(deep / ("x" * 16))) <= 100 and deep.name.startswith("guildhall-bus-")


async def test_the_deployment_bus_connects_two_caches(guildhall_db) -> None:
    """make_bus: Redis on the PostgreSQL fixture (as in production); without Redis the
    database's own channel (NOTIFY, or the socket directory next to the SQLite file)."""
    with_redis = guildhall_db.settings
    without = with_redis.model_copy(deep=True)
    without.redis.url = type(without.redis.url)("")
    expected = {"sqlite": [SocketBus, SocketBus], "postgres": [RedisBus, PostgresBus]}
    for settings, kind in zip((with_redis, without), expected[with_redis.database.dialect],
                              strict=True):
        chosen = coordination_for(settings)
        first, second, inbox = chosen.make_bus(), chosen.make_bus(), Inbox()
        assert isinstance(first, kind) and isinstance(second, kind)
        second.subscribe("cache", inbox)
        await first.start()
        await second.start()
        try:
            await first.publish("cache", {"guild_id": 5})
            await eventually(lambda box=inbox: box.received, message=f"{kind.__name__} lost it")
        finally:
            await first.stop()
            await second.stop()


def test_memory_databases_get_a_local_bus() -> None:
    from core.testing.pytest_plugin import make_settings

    memory = coordination_for(make_settings("sqlite://:memory:", []))
    assert isinstance(memory.make_bus(), LocalBus)
