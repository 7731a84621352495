"""Gateway behaviour of the double with a real disnake AutoShardedClient."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import disnake
import pytest
from disnake.ext import commands

from core.testing.bot_fixtures import eventually
from core.testing.double import (
    DiscordDouble,
    RunningClient,
    bot_intents,
    point_disnake_at,
    shard_for,
)

StartBot = Callable[..., Awaitable[RunningClient]]


def sharded_bot(**kw: object) -> commands.AutoShardedInteractionBot:
    return commands.AutoShardedInteractionBot(intents=bot_intents(), guild_ready_timeout=0.1, **kw)


def listen(bot: disnake.Client, event: str, sink: Callable[..., object]) -> None:
    async def handler(*args: object) -> None:
        sink(*args)

    bot.add_listener(handler, event)


def guild_creates(double: DiscordDouble, shard_id: int) -> set[int]:
    ids: set[int] = set()
    for session in double.gateway.sessions.values():
        if session.shard_id == shard_id:
            ids |= {int(p["d"]["id"]) for p in session.buffer if p["t"] == "GUILD_CREATE"}
    return ids


async def test_ready_and_guild_create_only_for_own_shard(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guilds = [double.create_guild(f"g{i}", shard=i % 2) for i in range(5)]
    guilds.append(double.create_guild("no-bot", with_bot=False))
    member = double.add_member(guilds[0], "alice")
    bot = sharded_bot()
    await start_bot(bot, double)

    assert bot.shard_count == 2
    assert {g.id for g in bot.guilds} == {g.id for g in guilds[:5]}
    for shard_id in (0, 1):
        expected = {g.id for g in guilds[:5] if shard_for(g.id, 2) == shard_id}
        assert guild_creates(double, shard_id) == expected
        assert len(expected) >= 2
    cached = bot.get_guild(guilds[0].id)
    assert cached is not None and cached.get_member(member.id) is not None
    assert cached.me.guild_permissions.ban_members
    assert [i.shard_id for i in double.gateway.identifies if i.accepted] == [0, 1]


async def test_events_reach_the_right_shard(double: DiscordDouble, start_bot: StartBot) -> None:
    g0, g1 = double.create_guild("zero", shard=0), double.create_guild("one", shard=1)
    bot = sharded_bot()
    seen: asyncio.Queue[tuple[str, int | None]] = asyncio.Queue()

    @bot.event
    async def on_message(message: disnake.Message) -> None:
        seen.put_nowait((message.content, message.guild.shard_id if message.guild else None))

    await start_bot(bot, double)
    alice, bob = double.add_member(g0, "alice"), double.add_member(g1, "bob")
    await double.send_message(g0.text_channels[0], alice, "to zero")
    await double.send_message(g1.text_channels[0], bob, "to one")
    got = [await asyncio.wait_for(seen.get(), 5) for _ in range(2)]
    assert sorted(got) == [("to one", 1), ("to zero", 0)]
    for guild, shard in ((g0, 0), (g1, 1)):
        session = double.gateway.live_sessions(shard)[0]
        events = [p for p in session.buffer if p["t"] == "MESSAGE_CREATE"]
        assert [p["d"]["guild_id"] for p in events] == [str(guild.id)]


async def test_guild_join_leave_and_member_events(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    home = double.create_guild("home")
    later = double.create_guild("later", with_bot=False)
    bot = sharded_bot()
    joined: asyncio.Queue[object] = asyncio.Queue()
    listen(bot, "on_guild_join", lambda g: joined.put_nowait(("join", g.id)))
    listen(bot, "on_guild_remove", lambda g: joined.put_nowait(("remove", g.id)))
    listen(bot, "on_member_join", lambda m: joined.put_nowait(("member", m.id)))
    listen(bot, "on_member_remove", lambda m: joined.put_nowait(("left", m.id)))
    await start_bot(bot, double)

    await double.add_bot_to_guild(later)
    assert await asyncio.wait_for(joined.get(), 5) == ("join", later.id)
    assert bot.get_guild(later.id) is not None
    carol = await double.member_join(home, "carol")
    assert await asyncio.wait_for(joined.get(), 5) == ("member", carol.id)
    await double.member_leave(home, carol)
    assert await asyncio.wait_for(joined.get(), 5) == ("left", carol.id)
    await double.remove_bot_from_guild(later)
    assert await asyncio.wait_for(joined.get(), 5) == ("remove", later.id)
    assert bot.get_guild(later.id) is None


async def test_dropped_socket_resumes_without_losing_events(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g", shard=1)
    alice = double.add_member(guild, "alice")
    bot = sharded_bot()
    contents: asyncio.Queue[str] = asyncio.Queue()
    resumed = asyncio.Event()
    listen(bot, "on_message", lambda m: contents.put_nowait(m.content))
    listen(bot, "on_shard_resumed", lambda shard_id: resumed.set())
    await start_bot(bot, double)
    identifies_before = len(double.gateway.identifies)

    assert await double.drop_shard(1) == 1
    for i in range(5):
        await double.send_message(guild.text_channels[0], alice, f"m{i}")
    await asyncio.wait_for(resumed.wait(), 10)
    got = [await asyncio.wait_for(contents.get(), 5) for _ in range(5)]
    assert got == [f"m{i}" for i in range(5)]
    assert len(double.gateway.identifies) == identifies_before  # resumed, not re-identified
    assert double.gateway.live_sessions(1)[0].resumes == 1


async def test_reconnect_opcode_and_invalid_session(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    double.create_guild("g", shard=0)
    bot = sharded_bot()
    resumed, connected = asyncio.Event(), asyncio.Event()
    listen(bot, "on_shard_resumed", lambda shard_id: resumed.set())
    await start_bot(bot, double)
    listen(bot, "on_shard_connect", lambda shard_id: connected.set())

    assert await double.send_reconnect(0) == 1
    await asyncio.wait_for(resumed.wait(), 10)
    accepted = len([i for i in double.gateway.identifies if i.accepted])
    await double.invalidate_session(0)
    await asyncio.wait_for(connected.wait(), 10)  # a fresh IDENTIFY + READY
    assert len([i for i in double.gateway.identifies if i.accepted]) == accepted + 1


async def test_identify_rate_limit_shared_bucket(make_double, start_bot: StartBot) -> None:
    double = await make_double(identify_window=0.5, max_concurrency=1)
    double.create_guild("g0", shard=0)
    double.create_guild("g1", shard=1)
    # Two processes each running one shard, both identifying at once (bucket 0 for both).
    first = sharded_bot(shard_ids=[0], shard_count=2)
    second = sharded_bot(shard_ids=[1], shard_count=2)
    await asyncio.gather(start_bot(first, double), start_bot(second, double))

    records = double.gateway.identifies
    assert double.gateway.identify_violations >= 1
    assert [r for r in records if not r.accepted][0].reason == "rate limited"
    accepted = [r for r in records if r.accepted]
    assert sorted(r.shard_id for r in accepted) == [0, 1]
    assert all(r.bucket == 0 for r in records)
    assert accepted[1].time - accepted[0].time >= 0.5


async def test_well_behaved_client_has_no_identify_violations(
    make_double, start_bot: StartBot
) -> None:
    double = await make_double(shard_count=3, identify_window=0.2)
    bot = sharded_bot()
    await start_bot(bot, double)
    accepted = [r for r in double.gateway.identifies if r.accepted]
    assert double.gateway.identify_violations == 0
    assert [r.shard_id for r in accepted] == [0, 1, 2]
    gaps = [b.time - a.time for a, b in zip(accepted, accepted[1:], strict=False)]
    assert min(gaps) >= 0.2


async def test_bad_token_is_login_failure(double: DiscordDouble, start_bot: StartBot) -> None:
    with pytest.raises(disnake.LoginFailure):
        await start_bot(sharded_bot(), double, token="wrong")
    assert double.requests.filter("GET", "/users/@me")[0].status == 401


async def test_gateway_rejects_token_with_4004(double: DiscordDouble) -> None:
    double.create_guild("g")
    bot = disnake.Client(intents=bot_intents())
    point_disnake_at(double)
    await bot.login(double.token)

    async def revoke_before_identify(shard_id: int | None, *, initial: bool = False) -> None:
        double.config.token = "rotated"  # token revoked after GET /gateway/bot, before IDENTIFY

    bot.before_identify_hook = revoke_before_identify  # type: ignore[method-assign]
    with pytest.raises(disnake.ConnectionClosed) as info:
        await asyncio.wait_for(bot.connect(reconnect=False), 10)
    assert info.value.code == 4004
    await bot.close()


async def test_unsharded_prefix_bot_sees_all_guilds(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guilds = [double.create_guild(f"g{i}", shard=i % 2) for i in range(3)]
    alice = double.add_member(guilds[1], "alice")
    bot = commands.Bot(command_prefix="!", intents=bot_intents(), guild_ready_timeout=0.1)

    @bot.command()
    async def hello(ctx: commands.Context) -> None:
        await ctx.send(f"hello {ctx.author.name}")

    await start_bot(bot, double)
    assert {g.id for g in bot.guilds} == {g.id for g in guilds}
    assert double.gateway.identifies[-1].shard_count == 1
    await double.send_message(guilds[1].text_channels[0], alice, "!hello")
    reply = await double.wait_for_message(guilds[1].text_channels[0])
    assert reply.content == "hello alice"


async def test_disnake_answers_a_heartbeat_the_server_requests(
    make_double: Callable[..., Awaitable[DiscordDouble]], start_bot: StartBot
) -> None:
    """Discord may send op 1; the client must heartbeat at once (the bot under test does)."""
    double = await make_double(shard_count=1, heartbeat_interval_ms=3_600_000)  # no own beats
    double.create_guild("g")
    await start_bot(commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1),
                    double)
    [conn] = [c for c in double.gateway.connections if c.session is not None]
    before = conn.heartbeats
    assert double.gateway.send_op(0, 1) == 1
    await eventually(lambda: conn.heartbeats > before, timeout=60,
                     message="the bot did not answer the server's op 1")
    assert conn.heartbeats == before + 1
