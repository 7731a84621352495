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


async def send(
    session: aiohttp.ClientSession, method: str, url: str, token: str
) -> tuple[int, dict, dict[str, str]]:
    """Status, JSON body and headers of one request with a bot token."""
    async with session.request(method, url, headers={"Authorization": f"Bot {token}"},
                               json={"content": "hi"} if method == "POST" else None) as response:
        return response.status, await response.json(content_type=None) or {}, dict(
            response.headers)


async def test_route_buckets_per_major_parameter_with_discords_headers() -> None:
    clock = ManualClock()
    async with DiscordDouble(route_limit=(2, 5.0)) as double:
        double.rest_limits.clock = clock
        guild = double.create_guild("g")
        channels = [double.create_channel(guild, name) for name in ("one", "two")]
        one, two = (f"{double.api_base}/channels/{c.id}/messages" for c in channels)
        async with aiohttp.ClientSession() as session:
            first = await send(session, "POST", one, double.token)
            assert first[0] == 200
            bucket = first[2]["X-RateLimit-Bucket"]
            assert (first[2]["X-RateLimit-Limit"], first[2]["X-RateLimit-Remaining"]) == ("2", "1")
            assert float(first[2]["X-RateLimit-Reset-After"]) == 5.0
            clock.now += 1
            second = await send(session, "POST", one, double.token)
            assert second[2]["X-RateLimit-Remaining"] == "0"
            assert float(second[2]["X-RateLimit-Reset-After"]) == 4.0  # the same window
            status, body, over = await send(session, "POST", one, double.token)
            assert status == 429 and body["global"] is False and body["retry_after"] == 4.0
            assert over["X-RateLimit-Scope"] == "user" and "X-RateLimit-Global" not in over
            assert over["X-RateLimit-Bucket"] == bucket and over["X-RateLimit-Remaining"] == "0"
            # another channel (major parameter) and another method: buckets of their own
            assert (await send(session, "POST", two, double.token))[0] == 200
            listed = await send(session, "GET", one, double.token)
            assert listed[0] == 200 and listed[2]["X-RateLimit-Bucket"] != bucket
            clock.now += 4  # the window ends
            again = await send(session, "POST", one, double.token)
            assert again[0] == 200 and again[2]["X-RateLimit-Remaining"] == "1"
        assert double.rest_limits.route_429s[bucket] == 1
        assert double.rest_limits.invalid_count() == 1  # a route 429 counts as invalid
        assert double.rest_limits.global_429s == 0


async def test_a_global_429_carries_no_bucket_headers_and_route_limits_are_off_by_default(
) -> None:
    async with DiscordDouble(global_rate_per_second=1) as double:
        double.rest_limits.clock = ManualClock()
        me = f"{double.api_base}/users/@me"
        async with aiohttp.ClientSession() as session:
            answers = [await send(session, "GET", me, double.token) for _ in range(2)]
        assert answers[0][0] == 200 and int(answers[0][2]["X-RateLimit-Remaining"]) > 0
        status, body, headers = answers[1]
        assert status == 429 and body["global"] is True and body["retry_after"] > 0
        assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
        assert "X-RateLimit-Bucket" not in headers and "Retry-After" in headers
        assert not double.rest_limits.route_429s
