"""The double's global REST limit per bot and its count of invalid answers per address."""

from __future__ import annotations

import aiohttp

from core.testing.double import DiscordDouble
from tests.core.coordination.test_rate_bucket import ManualClock


async def get(session: aiohttp.ClientSession, url: str, token: str) -> tuple[int, dict]:
    """Status and JSON body of one GET with a bot token."""
    async with session.get(url, headers={"Authorization": f"Bot {token}"}) as response:
        return response.status, await response.json(content_type=None) or {}


async def test_a_bot_over_its_global_rate_gets_global_429s_and_interactions_pass() -> None:
    clock = ManualClock()
    async with DiscordDouble(global_rate_per_second=5) as double:
        double.rest_limits.clock = clock
        me = f"{double.api_base}/users/@me"
        async with aiohttp.ClientSession() as one, aiohttp.ClientSession() as two:
            answers = [await get(s, me, double.token) for s in (one, two) * 4]
            statuses = [status for status, _ in answers]
            assert statuses == [200] * 5 + [429] * 3  # one bucket across both connections
            assert all(body["global"] is True for status, body in answers if status == 429)
            callback = f"{double.api_base}/interactions/1/token/callback"
            async with one.post(callback, json={"type": 1}) as response:
                assert response.status != 429  # exempt (404: the double knows no such one)
            clock.now += 1  # five tokens back
            assert [(await get(one, me, double.token))[0] for _ in range(6)] == [200] * 5 + [429]
        assert double.rest_limits.global_429s == 4
        assert double.rest_limits.invalid_count("127.0.0.1") == 4


async def test_invalid_answers_are_counted_per_address_for_ten_minutes() -> None:
    clock = ManualClock()
    async with DiscordDouble() as double:  # the global limit is off by default
        double.rest_limits.clock = clock
        double.faults.rate_limit("/users/@me", scope="shared")
        double.faults.rate_limit("/users/@me", scope="user")
        me = f"{double.api_base}/users/@me"
        async with aiohttp.ClientSession() as session:
            statuses = [(await get(session, me, token))[0] for token in
                        (double.token, double.token, "wrong", double.token)]
        assert statuses == [429, 429, 401, 200]
        assert double.rest_limits.invalid_count("127.0.0.1") == 2  # the shared 429 is free
        assert double.rest_limits.invalid_count("10.0.0.1") == 0
        assert double.rest_limits.global_429s == 0
        clock.now += 600
        assert double.rest_limits.invalid_count("127.0.0.1") == 0
