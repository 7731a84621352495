"""Fixtures for the Discord double's own tests: a running double and real disnake bots."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import disnake
import pytest

from core.testing.bot_fixtures import assert_contract_kept
from core.testing.double import DiscordDouble, RunningClient, run_client

FAST = {"heartbeat_interval_ms": 1000, "identify_window": 0.2, "shard_count": 2}

StartBot = Callable[..., Awaitable[RunningClient]]


@pytest.fixture
async def make_double() -> AsyncIterator[Callable[..., Awaitable[DiscordDouble]]]:
    """Factory for started doubles (fast timings, 2 shards unless overridden)."""
    started: list[DiscordDouble] = []
    previous = disnake.http.Route.BASE

    async def factory(**options: Any) -> DiscordDouble:
        double = await DiscordDouble(**{**FAST, **options}).start()
        started.append(double)
        return double

    yield factory
    for double in started:
        await double.close()
    disnake.http.Route.BASE = previous
    for double in started:
        assert_contract_kept(double)


@pytest.fixture
async def double(make_double: Callable[..., Awaitable[DiscordDouble]]) -> DiscordDouble:
    """A started double with 2 shards and short heartbeat/identify timings."""
    return await make_double()


@pytest.fixture
async def start_bot() -> AsyncIterator[StartBot]:
    """Start a disnake client against a double; every started client is stopped afterwards."""
    running: list[RunningClient] = []

    async def starter(client: disnake.Client, double: DiscordDouble, **kw: Any) -> RunningClient:
        runner = await run_client(client, double, **kw)
        running.append(runner)
        return runner

    yield starter
    for runner in running:
        await runner.stop()
