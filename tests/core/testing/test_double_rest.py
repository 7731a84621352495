"""REST behaviour of the double: messages, recording, errors, auth, rate limits, faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
import disnake
import pytest
from disnake.ext import commands

from core.testing.double import DiscordDouble, RunningClient, bot_intents

StartBot = Callable[..., Awaitable[RunningClient]]
MSG_ROUTE = "/channels/{channel_id}/messages"


def echo_bot() -> commands.InteractionBot:
    bot = commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1)

    @bot.event
    async def on_message(message: disnake.Message) -> None:
        if message.author.bot:
            return
        if message.content == "ping":
            await message.reply(
                f"pong {message.author.mention}",
                allowed_mentions=disnake.AllowedMentions(
                    everyone=False, roles=False, users=True, replied_user=False
                ),
            )

    return bot


async def test_member_message_reaches_bot_and_reply_is_recorded(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    channel = guild.text_channels[0]
    await start_bot(echo_bot(), double)

    sent = await double.send_message(channel, alice, "ping")
    reply = await double.wait_for_message(channel, timeout=5)
    assert reply.content == f"pong <@{alice.id}>"
    assert reply.message_reference is not None
    assert reply.message_reference["message_id"] == str(sent.id)
    request = await double.wait_for_request("POST", MSG_ROUTE)
    assert request.path == f"/channels/{channel.id}/messages"
    assert request.params == {"channel_id": str(channel.id)}
    assert request.allowed_mentions == {"parse": ["users"]}
    assert reply.allowed_mentions == request.allowed_mentions
    assert request.status == 200
    assert [m.content for m in double.messages_in(channel)] == ["ping", reply.content]


async def test_message_rest_roundtrip_and_not_found(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    channel = guild.text_channels[0]
    bot = echo_bot()
    await start_bot(bot, double)
    chan = bot.get_channel(channel.id)
    assert isinstance(chan, disnake.TextChannel)

    msg = await chan.send("first")
    await msg.edit(content="edited")
    fetched = await chan.fetch_message(msg.id)
    assert fetched.content == "edited" and fetched.edited_at is not None
    history = [m.content async for m in chan.history(limit=10)]
    assert history == ["edited"]
    await msg.delete()
    with pytest.raises(disnake.NotFound) as info:
        await chan.fetch_message(msg.id)
    assert info.value.code == 10008
    with pytest.raises(disnake.NotFound) as info:
        await bot.fetch_channel(123)
    assert info.value.code == 10003
    with pytest.raises(disnake.NotFound) as info:
        await bot.fetch_user(456)
    assert info.value.code == 10013
    with pytest.raises(disnake.NotFound) as info:
        await bot.get_guild(guild.id).fetch_member(789)  # type: ignore[union-attr]
    assert info.value.code == 10007
    dm = await bot.get_user(alice.id).create_dm()  # type: ignore[union-attr]
    await dm.send("hi in private")
    assert (await double.wait_for_message(check=lambda m: m.guild_id is None)).content == (
        "hi in private"
    )


async def test_send_without_permission_is_forbidden(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    locked = double.create_channel(guild, "locked")
    from core.testing.double.permissions import SEND_MESSAGES

    double.set_overwrite(locked, guild.everyone_role, deny=SEND_MESSAGES)
    double.set_overwrite(locked, guild.bot_role, deny=SEND_MESSAGES)  # type: ignore[arg-type]
    bot = echo_bot()
    await start_bot(bot, double)
    with pytest.raises(disnake.Forbidden) as info:
        await bot.get_channel(locked.id).send("nope")  # type: ignore[union-attr]
    assert info.value.code == 50013
    assert info.value.status == 403


async def test_raw_http_auth_content_type_and_headers(double: DiscordDouble) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{double.api_base}/users/@me") as resp:
            assert resp.status == 401
            assert await resp.json() == {"message": "401: Unauthorized", "code": 0}
        headers = {"Authorization": f"Bot {double.token}"}
        async with session.get(f"{double.api_base}/users/@me", headers=headers) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json"
            assert int(resp.headers["X-RateLimit-Remaining"]) > 0
            assert "X-RateLimit-Bucket" in resp.headers
            assert (await resp.json())["bot"] is True
        async with session.get(f"{double.api_base}/gateway/bot", headers=headers) as resp:
            data = await resp.json()
        assert data["url"] == double.gateway_url
        assert data["shards"] == 2
        assert set(data["session_start_limit"]) == {
            "total",
            "remaining",
            "reset_after",
            "max_concurrency",
        }
        bad = {"Authorization": "Bot nope"}
        async with session.get(f"{double.api_base}/guilds/1", headers=bad) as resp:
            assert resp.status == 401


async def test_429_is_honoured_by_disnake(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    bot = echo_bot()
    await start_bot(bot, double)
    rule = double.faults.rate_limit(MSG_ROUTE, "POST", times=1, retry_after=0.3)
    started = time.monotonic()
    msg = await bot.get_channel(guild.text_channels[0].id).send("after the limit")  # type: ignore[union-attr]
    assert time.monotonic() - started >= 0.3
    assert rule.hits == 1
    attempts = double.requests.filter("POST", MSG_ROUTE)
    assert [r.status for r in attempts] == [429, 200]
    assert msg.content == "after the limit"


async def test_raw_429_shape(double: DiscordDouble) -> None:
    double.faults.rate_limit("/users/@me", retry_after=0.5)
    headers = {"Authorization": f"Bot {double.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{double.api_base}/users/@me", headers=headers) as resp:
            assert resp.status == 429
            body = await resp.json()
            for name in (
                "X-RateLimit-Limit",
                "X-RateLimit-Reset",
                "X-RateLimit-Bucket",
                "Retry-After",
                "X-RateLimit-Scope",
                "X-RateLimit-Reset-After",
            ):
                assert name in resp.headers
            assert resp.headers["X-RateLimit-Remaining"] == "0"
    assert body == {
        "message": "You are being rate limited.", "retry_after": 0.5, "global": False, "code": 0
    }


async def test_fail_share_is_deterministic_and_delay_applies(make_double) -> None:
    outcomes = []
    for _ in range(2):
        double = await make_double(seed=7)
        double.faults.fail_share(0.5, status=500, route="/users/@me")
        headers = {"Authorization": f"Bot {double.token}"}
        async with aiohttp.ClientSession() as session:
            statuses = []
            for _ in range(20):
                async with session.get(f"{double.api_base}/users/@me", headers=headers) as r:
                    statuses.append(r.status)
        outcomes.append(statuses)
    assert outcomes[0] == outcomes[1]
    assert 0 < outcomes[0].count(500) < 20

    double.faults.clear()
    double.faults.delay(150, "/gateway")
    async with aiohttp.ClientSession() as session:
        started = time.monotonic()
        async with session.get(f"{double.api_base}/gateway") as resp:
            assert resp.status == 200
        assert time.monotonic() - started >= 0.15


async def test_wait_for_request_times_out(double: DiscordDouble) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await double.wait_for_request("DELETE", "/guilds/{guild_id}", timeout=0.05)


async def test_guild_reads_and_request_log(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("reads")
    double.create_role(guild, "mods")
    for name in ("a", "b", "c"):
        double.add_member(guild, name)
    bot = echo_bot()
    await start_bot(bot, double)
    fetched = await bot.fetch_guild(guild.id)
    assert fetched.name == "reads" and fetched.owner_id == guild.owner_id
    assert {r.name for r in await fetched.fetch_roles()} == {"@everyone", "guildhall", "mods"}
    assert [c.name for c in await fetched.fetch_channels()] == ["general"]
    members = [m async for m in fetched.fetch_members(limit=None)]
    assert len(members) == len(guild.members) == 5
    member = await fetched.fetch_member(guild.owner_id)
    assert member.id == guild.owner_id
    assert len(double.requests) == len(list(double.requests))
    reads = double.requests.filter("GET", check=lambda r: r.route.startswith("/guilds/"))
    assert {r.route for r in reads} >= {
        "/guilds/{guild_id}",
        "/guilds/{guild_id}/roles",
        "/guilds/{guild_id}/channels",
        "/guilds/{guild_id}/members",
        "/guilds/{guild_id}/members/{user_id}",
    }
