"""Create-message ``nonce`` + ``enforce_nonce``, as Discord documents it, over raw HTTP.

"If enforce_nonce is set to true, the nonce will be checked for uniqueness in the past few
minutes. If another message was created by the same author with the same nonce, that message
will be returned and no new message will be created." The clock is injected, so the window's
end is reached by moving time, not by waiting.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from core.testing.double import DiscordDouble
from core.testing.double.state import Channel


class ManualClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def setup(
    make_double: Callable[..., Awaitable[DiscordDouble]], clock: ManualClock
) -> AsyncIterator[tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]]]:
    """A double with one guild and two text channels, and a raw ``post(channel, body)``."""
    double = await make_double(clock=clock, validate_requests=True)  # whatever the env says
    guild = double.create_guild("g")
    first, second = guild.text_channels[0], double.create_channel(guild, "other")
    headers = {"Authorization": f"Bot {double.config.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:

        async def post(channel: Channel, body: dict[str, Any]) -> tuple[int, Any]:
            url = f"{double.api_base}/channels/{channel.id}/messages"
            async with http.post(url, json=body) as resp:
                return resp.status, await resp.json()

        yield double, first, second, post


def _texts(double: DiscordDouble, channel: Channel) -> list[str]:
    return [m.content for m in double.messages_in(channel)]


async def test_a_repeated_enforced_nonce_returns_the_original_message(
    setup: tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]],
) -> None:
    double, channel, _, post = setup
    body = {"content": "once", "nonce": "r42t1700000000", "enforce_nonce": True}
    status, original = await post(channel, body)
    assert status == 200 and original["nonce"] == "r42t1700000000"
    status, again = await post(channel, {**body, "content": "changed"})
    assert status == 200
    assert again["id"] == original["id"] and again["content"] == "once"
    assert _texts(double, channel) == ["once"]
    assert len(double.bot_messages) == 1  # no second MESSAGE_CREATE either


async def test_integer_and_string_forms_of_a_nonce_are_the_same_nonce(
    setup: tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]],
) -> None:
    double, channel, _, post = setup
    _, original = await post(channel, {"content": "n", "nonce": 7, "enforce_nonce": True})
    _, again = await post(channel, {"content": "n", "nonce": "7", "enforce_nonce": True})
    assert again["id"] == original["id"]
    assert _texts(double, channel) == ["n"]


async def test_without_enforce_nonce_or_in_another_channel_a_new_message_is_created(
    setup: tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]],
) -> None:
    double, channel, other, post = setup
    nonce = {"nonce": "same", "enforce_nonce": True}
    await post(channel, {"content": "a", **nonce})
    await post(channel, {"content": "b", "nonce": "same"})  # enforce_nonce absent
    await post(channel, {"content": "c", "nonce": "same", "enforce_nonce": False})
    await post(other, {"content": "d", **nonce})
    await post(channel, {"content": "e", "nonce": "different", "enforce_nonce": True})
    assert _texts(double, channel) == ["a", "b", "c", "e"]
    assert _texts(double, other) == ["d"]


async def test_the_nonce_is_forgotten_after_the_window(
    setup: tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]],
    clock: ManualClock,
) -> None:
    double, channel, _, post = setup
    body = {"content": "x", "nonce": "late", "enforce_nonce": True}
    _, first = await post(channel, body)
    clock.now += double.config.nonce_window - 0.01
    _, within = await post(channel, body)
    assert within["id"] == first["id"]
    clock.now += 0.02
    _, after = await post(channel, body)
    assert after["id"] != first["id"]
    assert _texts(double, channel) == ["x", "x"]


async def test_a_nonce_longer_than_25_characters_is_refused(
    setup: tuple[DiscordDouble, Channel, Channel, Callable[..., Awaitable[Any]]],
) -> None:
    double, channel, _, post = setup
    status, body = await post(channel, {"content": "x", "nonce": "n" * 26, "enforce_nonce": True})
    assert status == 400 and body["code"] == 50035
    assert "nonce" in body["errors"]
    assert _texts(double, channel) == []
    assert len(double.contract_violations) == 1
    double.contract_violations.clear()  # sent on purpose
