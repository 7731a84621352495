"""Permissions and role hierarchy enforced by the double against a real disnake bot."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable

import disnake
import pytest
from disnake.ext import commands

from core.testing.double import DiscordDouble, Guild, RunningClient, bot_intents
from core.testing.double import permissions as P

StartBot = Callable[..., Awaitable[RunningClient]]


async def connect(double: DiscordDouble, start_bot: StartBot) -> commands.InteractionBot:
    bot = commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1)
    await start_bot(bot, double)
    return bot


def cached(bot: commands.InteractionBot, guild: Guild) -> disnake.Guild:
    found = bot.get_guild(guild.id)
    assert found is not None
    return found


async def test_ban_kick_timeout_with_permission(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    alice, bob, carol = (double.add_member(guild, n) for n in ("alice", "bob", "carol"))
    bot = await connect(double, start_bot)
    g = cached(bot, guild)
    removed: asyncio.Queue[int] = asyncio.Queue()

    async def on_member_remove(member: disnake.Member) -> None:
        removed.put_nowait(member.id)

    bot.add_listener(on_member_remove)

    await g.ban(disnake.Object(alice.id), reason="spam")
    assert guild.bans[alice.id].reason == "spam"
    assert alice.id not in guild.members
    assert await asyncio.wait_for(removed.get(), 5) == alice.id
    ban = await g.fetch_ban(disnake.Object(alice.id))
    assert ban.user.id == alice.id and ban.reason == "spam"
    assert [b.user.id async for b in g.bans()] == [alice.id]
    await g.unban(disnake.Object(alice.id))
    with pytest.raises(disnake.NotFound) as info:
        await g.fetch_ban(disnake.Object(alice.id))
    assert info.value.code == 10026

    await g.kick(disnake.Object(bob.id))
    assert bob.id not in guild.members
    member = g.get_member(carol.id)
    assert member is not None
    until = disnake.utils.utcnow() + dt.timedelta(minutes=10)
    await member.timeout(until=until)
    assert guild.members[carol.id].communication_disabled_until is not None
    request = await double.wait_for_request("PATCH", "/guilds/{guild_id}/members/{user_id}")
    assert "communication_disabled_until" in request.json
    with pytest.raises(disnake.NotFound) as info:
        await g.kick(disnake.Object(bob.id))
    assert info.value.code == 10007


async def test_missing_permissions_are_forbidden(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g", bot_permissions=P.DEFAULT_EVERYONE)
    alice = double.add_member(guild, "alice")
    bot = await connect(double, start_bot)
    g = cached(bot, guild)
    member = g.get_member(alice.id)
    assert member is not None
    for action in (
        g.ban(member),
        g.kick(member),
        member.timeout(duration=60),
        member.edit(nick="renamed"),
    ):
        with pytest.raises(disnake.Forbidden) as info:
            await action
        assert info.value.code == 50013
    assert alice.id in guild.members and not guild.bans


async def test_administrator_bit_grants_everything(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g", bot_permissions=P.ADMINISTRATOR)
    alice = double.add_member(guild, "alice")
    bot = await connect(double, start_bot)
    await cached(bot, guild).kick(disnake.Object(alice.id))
    assert alice.id not in guild.members


async def test_role_hierarchy(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    low = double.create_role(guild, "low")
    high = double.create_role(guild, "high", position=guild.bot_role.position + 1)  # type: ignore[union-attr]
    admin = double.create_role(guild, "admin", permissions=P.ADMINISTRATOR)
    junior = double.add_member(guild, "junior", roles=[low])
    senior = double.add_member(guild, "senior", roles=[high])
    sysop = double.add_member(guild, "sysop", roles=[admin])
    bot = await connect(double, start_bot)
    g = cached(bot, guild)

    # the bot outranks `low` but not `high`, and nobody outranks the owner
    await g.get_member(junior.id).add_roles(disnake.Object(low.id))  # type: ignore[union-attr]
    for target in (senior.id, guild.owner_id):
        with pytest.raises(disnake.Forbidden) as info:
            await g.kick(disnake.Object(target))
        assert info.value.code == 50013
    with pytest.raises(disnake.Forbidden):
        await g.get_member(junior.id).add_roles(disnake.Object(high.id))  # type: ignore[union-attr]
    with pytest.raises(disnake.Forbidden):
        await g.get_member(sysop.id).timeout(duration=60)  # type: ignore[union-attr]
    assert high.id not in guild.members[junior.id].roles

    updated: asyncio.Queue[disnake.Member] = asyncio.Queue()

    async def on_member_update(before: disnake.Member, after: disnake.Member) -> None:
        updated.put_nowait(after)

    bot.add_listener(on_member_update)
    mod = double.create_role(guild, "mod")
    await asyncio.sleep(0.05)  # let GUILD_ROLE_CREATE reach the cache
    await g.get_member(junior.id).add_roles(disnake.Object(mod.id))  # type: ignore[union-attr]
    after = await asyncio.wait_for(updated.get(), 5)
    assert mod.id in [r.id for r in after.roles]
    await g.get_member(junior.id).remove_roles(disnake.Object(mod.id))  # type: ignore[union-attr]
    assert mod.id not in guild.members[junior.id].roles
    with pytest.raises(disnake.NotFound) as info:
        await g.get_member(junior.id).add_roles(disnake.Object(42))  # type: ignore[union-attr]
    assert info.value.code == 10011


async def test_channel_overwrites_and_leave(double: DiscordDouble, start_bot: StartBot) -> None:
    guild = double.create_guild("g")
    hidden = double.create_channel(guild, "hidden")
    double.set_overwrite(hidden, guild.everyone_role, deny=P.VIEW_CHANNEL)
    bot = await connect(double, start_bot)
    with pytest.raises(disnake.Forbidden) as info:
        await bot.get_channel(hidden.id).send("x")  # type: ignore[union-attr]
    assert info.value.code == 50001
    await cached(bot, guild).leave()
    assert double.bot_user.id not in guild.members
    with pytest.raises(disnake.Forbidden):
        await bot.fetch_guild(guild.id)
