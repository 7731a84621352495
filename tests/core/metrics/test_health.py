"""``/livez`` and ``/readyz`` of a real bot against the Discord double."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.metrics import current_exporter, stop_exporter
from core.metrics.health import LoopWatchdog
from core.runtime.config import MetricsSettings, Settings
from core.testing.bot_fixtures import StartBot, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

PROBE_TIMEOUT = 1.0


@pytest.fixture
def guildhall_settings(guildhall_settings: Settings) -> Settings:
    """The kit's settings with the exporter on (any free port)."""
    metrics = MetricsSettings(enabled=True, port=0)
    return guildhall_settings.model_copy(update={"metrics": metrics})


@pytest.fixture
async def bot(
    guildhall_demo: DemoWorld, guildhall_start_bot: StartBot
) -> AsyncIterator[GuildhallBot]:
    started = await guildhall_start_bot()
    yield started
    await stop_exporter()


def url(path: str) -> str:
    exporter = current_exporter()
    assert exporter is not None and exporter.port > 0
    return f"http://{exporter.host}:{exporter.port}{path}"


async def get(path: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(url(path)) as response:
        return response.status, await response.json()


def probe_from_thread(target: str) -> int | str:
    """GET ``target`` from this (non-loop) thread: the status, or "timeout"."""
    try:
        with urllib.request.urlopen(target, timeout=PROBE_TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, TimeoutError):
        return "timeout"


async def test_ready_after_connect_and_not_ready_while_a_shard_is_down(
    bot: GuildhallBot, guildhall_double: DiscordDouble
) -> None:
    async def ready() -> dict[str, Any] | None:
        status, body = await get("/readyz")
        return body if status == 200 else None

    body = await eventually(ready, timeout=30, message="worker ready")
    assert body["status"] == "ready" and body["database"] == "ok"
    assert body["shards"] == {"0": "connected", "1": "connected"}
    assert body["unavailable_guilds"] == 0

    assert await guildhall_double.hold_shard(0) == 1

    async def shard_down() -> dict[str, Any] | None:
        status, body = await get("/readyz")
        return body if status == 503 else None

    body = await eventually(shard_down, timeout=30, message="worker not ready")
    assert body["status"] == "not ready"
    assert body["shards"] == {"0": "down", "1": "connected"}
    assert "shard 0 is down" in body["problems"]
    async with aiohttp.ClientSession() as session, session.get(url("/metrics")) as response:
        scraped = await response.text()
    assert 'guildhall_gateway_disconnects_total{shard="0"}' in scraped
    status, live = await get("/livez")
    assert status == 200 and live["status"] == "ok"  # down shard: not ready, still alive

    await guildhall_double.release_shard(0)
    body = await eventually(ready, timeout=60, message="worker ready again")
    assert body["shards"] == {"0": "connected", "1": "connected"}


async def test_blocked_loop_fails_liveness_probed_from_another_thread(bot: GuildhallBot) -> None:
    target = url("/livez")
    assert await asyncio.to_thread(probe_from_thread, target) == 200
    probed: list[int | str] = []

    def block_loop_during_probe() -> None:  # runs on the loop: nothing else runs meanwhile
        prober = threading.Thread(target=lambda: probed.append(probe_from_thread(target)))
        prober.start()
        prober.join(timeout=120)

    asyncio.get_running_loop().call_soon(block_loop_during_probe)
    await asyncio.sleep(0)
    assert probed == ["timeout"]
    assert await asyncio.to_thread(probe_from_thread, target) == 200  # the loop is back


async def test_stale_watchdog_stamp_answers_503(bot: GuildhallBot) -> None:
    exporter = current_exporter()
    assert exporter is not None
    now = [1000.0]
    clock_watchdog = LoopWatchdog(interval=1.0, bound=5.0, clock=lambda: now[0])
    previous, exporter.watchdog = exporter.watchdog, clock_watchdog
    try:
        clock_watchdog.stamp = now[0]
        status, body = await get("/livez")
        assert status == 200 and body["stalled_seconds"] == 0
        now[0] += 5.5  # the stamping task never ran for longer than the bound
        status, body = await get("/livez")
        assert status == 503
        assert body == {"status": "stalled", "cluster": 0, "stalled_seconds": 5.5,
                        "bound_seconds": 5.0}
    finally:
        exporter.watchdog = previous
    status, body = await get("/livez")
    assert status == 200
