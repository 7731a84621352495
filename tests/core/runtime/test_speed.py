"""The speed profile: uvloop as the workers' loop when installed and enabled."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from core.coordination.bus import SocketBus
from core.runtime import speed
from core.testing.bot_fixtures import eventually

uvloop = pytest.importorskip("uvloop")


@pytest.fixture
def restore_policy() -> Any:
    yield
    asyncio.set_event_loop_policy(None)


def test_the_policy_is_installed_only_when_enabled(restore_policy: None) -> None:
    assert speed.available() == {"uvloop": True, "orjson": speed.available()["orjson"]}
    assert speed.install_event_loop_policy(False) is False
    assert not isinstance(asyncio.get_event_loop_policy(), uvloop.EventLoopPolicy)
    assert speed.install_event_loop_policy(True) is True
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_the_sqlite_socket_bus_works_on_uvloop(tmp_path: Path) -> None:
    async def exchange() -> list[dict[str, Any]]:
        assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
        directory = tmp_path / "g.db.bus"
        sender, receiver = SocketBus(directory), SocketBus(directory)
        received: list[dict[str, Any]] = []
        receiver.subscribe("t", received.append)
        await receiver.start()
        await sender.start()
        try:
            await sender.publish("t", {"n": 1})
            await eventually(lambda: received, message="nothing received on uvloop")
        finally:
            await sender.stop()
            await receiver.stop()
        return received

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(exchange()) == [{"n": 1}]
