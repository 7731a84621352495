"""The REST budget on a real disnake ``HTTPClient`` against the Discord double.

Interaction responses pass an empty bucket; the invalid-request breaker holds non-urgent
requests (not urgent ones) near the limit; 429s scoped ``shared`` are not counted. The
bucket's and the counter's clock is a manual one: nothing depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import disnake
import pytest
from disnake.http import HTTPClient, Route

from core.bot.rest_budget import install_rest_budget, is_exempt
from core.coordination.invalid_requests import (
    WINDOW_SECONDS,
    FileInvalidCounter,
    RedisInvalidCounter,
)
from core.coordination.rate_bucket import FileRateBucket, RedisRateBucket
from core.coordination.rest_budget import RestBudget, non_urgent
from core.coordination.route_buckets import RedisRouteBuckets
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble, disnake_pointed_at
from tests.core.coordination.test_rate_bucket import ManualClock


def me() -> Route:
    """``GET /users/@me`` (a route's URL is fixed when it is made: after pointing)."""
    return Route("GET", "/users/@me")


@dataclass
class Client:
    """A logged-in disnake HTTP client spending ``budget``, and the double it talks to."""

    http: HTTPClient
    budget: RestBudget
    double: DiscordDouble
    clock: ManualClock

    def sent(self, route: str) -> int:
        """Requests of ``route`` the double received."""
        return len(self.double.requests.filter(route=route))


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    """Rate 2/s (a bucket of one token) and a breaker at 2 of 4 invalid answers."""
    clock = ManualClock()
    budget = RestBudget(
        FileRateBucket(tmp_path / "rest-global.lock", 2.0, clock),
        FileInvalidCounter(tmp_path / "rest-invalid.lock", clock),
        invalid_limit=4, slow_share=0.5, recheck_seconds=0.02, clock=clock,
    )
    async with DiscordDouble() as double:
        with disnake_pointed_at(double):
            http = HTTPClient(loop=asyncio.get_running_loop())
            await http.static_login(double.token)
            install_rest_budget(http, budget)
            yield Client(http, budget, double, clock)
            await http.close()
    await budget.close()


def test_interaction_responses_are_exempt_and_nothing_else() -> None:
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    original = "/webhooks/{application_id}/{interaction_token}/messages/@original"
    assert is_exempt(Route("POST", callback, interaction_id=1, interaction_token="t"))
    assert is_exempt(Route("PATCH", original, application_id=1, interaction_token="t"))
    assert not is_exempt(Route("POST", "/channels/{channel_id}/messages", channel_id=1))
    assert not is_exempt(me())


async def test_an_interaction_response_passes_an_empty_bucket(client: Client) -> None:
    await client.http.request(me())  # the bucket's one token
    waiting = asyncio.create_task(client.http.request(me()))
    with pytest.raises(disnake.NotFound):  # the double knows no interaction 1: it still got it
        await client.http.create_interaction_response(
            1, "token", type=disnake.InteractionResponseType.pong.value
        )
    assert client.sent("/interactions/{webhook_id}/{webhook_token}/callback") == 1
    assert not waiting.done() and client.sent("/users/@me") == 2  # login and the first
    client.clock.now += 0.5  # one token refilled
    await asyncio.wait_for(waiting, 60)
    assert client.sent("/users/@me") == 3


async def test_the_breaker_holds_non_urgent_work_near_the_invalid_limit(client: Client) -> None:
    client.double.faults.fail("/users/@me", "GET", status=403, times=2)
    for _ in range(2):
        client.clock.now += 1  # a token each
        with pytest.raises(disnake.Forbidden):
            await client.http.request(me())
    assert client.double.rest_limits.invalid_count() == 2
    assert await client.budget.invalid_count() == 2

    async def unban_all() -> None:
        with non_urgent():
            await client.http.request(me())

    client.clock.now += 1
    held = asyncio.create_task(unban_all())
    await eventually(lambda: client.budget.held == 1, timeout=60, message="not held")
    # urgent work goes on (on another route: the held request keeps disnake's route lock)
    await client.http.get_user(client.double.bot_user.id)
    assert client.sent("/users/{user_id}") == 1
    assert not held.done() and client.sent("/users/@me") == 1 + 2
    client.clock.now += 2 * WINDOW_SECONDS  # the invalid answers leave the window
    await asyncio.wait_for(held, 60)
    assert client.sent("/users/@me") == 1 + 2 + 1 and client.budget.held == 0


async def test_shared_scope_429s_are_not_invalid_and_others_are(client: Client) -> None:
    client.budget.bucket = None  # not the subject: disnake's retries need no clock steps
    client.double.faults.rate_limit("/users/@me", "GET", retry_after=0.01, scope="shared")
    await client.http.request(me())  # disnake retries after the 429
    assert await client.budget.invalid.add(0) == 0
    client.double.faults.rate_limit("/users/@me", "GET", retry_after=0.01, scope="user")
    await client.http.request(me())
    assert await client.budget.invalid.add(0) == 1
    assert client.double.rest_limits.invalid_count() == 1


async def test_requests_go_on_when_the_shared_budget_is_unreachable(tmp_path: Path) -> None:
    closed = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    budget = RestBudget(RedisRateBucket(closed, "k", 2.0), RedisInvalidCounter(closed, "k"),
                        invalid_limit=1)
    async with DiscordDouble() as double:
        double.faults.fail("/users/{user_id}", "GET", status=403)
        with disnake_pointed_at(double):
            http = HTTPClient(loop=asyncio.get_running_loop())
            install_rest_budget(http, budget)
            await http.static_login(double.token)
            with non_urgent(), pytest.raises(disnake.Forbidden):
                await http.get_user(double.bot_user.id)
            await http.close()
    assert budget.unreachable == 3  # login; the 403's breaker check and its count
    await budget.close()


async def test_requests_go_on_when_the_shared_route_buckets_are_unreachable(
    tmp_path: Path,
) -> None:
    closed = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    budget = RestBudget(None, FileInvalidCounter(tmp_path / "rest-invalid.lock"),
                        routes=RedisRouteBuckets(closed, "k"))
    async with DiscordDouble() as double:
        with disnake_pointed_at(double):
            http = HTTPClient(loop=asyncio.get_running_loop())
            install_rest_budget(http, budget)
            await http.static_login(double.token)
            assert (await http.get_user(double.bot_user.id))["id"] == str(double.bot_user.id)
            await http.close()
    assert budget.unreachable == 4  # each request: its reservation and its answer
    await budget.close()
