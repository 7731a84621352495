"""Requests breaking Discord's contract fail loudly; invocations Discord would refuse never run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import disnake
import pytest
from disnake.ext import commands

from core.testing.bot_fixtures import assert_contract_kept
from core.testing.double import DiscordDouble, RunningClient, bot_intents
from core.testing.double.contract import contract
from core.testing.double.invoke import InvalidInvocation
from core.testing.double.state import Command

StartBot = Callable[..., Awaitable[RunningClient]]


def plain_bot() -> commands.InteractionBot:
    return commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1)


async def test_invalid_requests_from_a_bot_are_refused_with_50035(
    double: DiscordDouble, start_bot: StartBot
) -> None:
    guild = double.create_guild("g")
    channel = guild.text_channels[0]
    bot = plain_bot()
    await start_bot(bot, double)
    chan = bot.get_channel(channel.id)
    assert isinstance(chan, disnake.TextChannel)

    with pytest.raises(disnake.HTTPException) as too_long:
        await chan.send("x" * 2001)
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    embeds = [disnake.Embed(description="y" * 4000) for _ in range(2)]  # 8000 > 6000 in total
    with pytest.raises(disnake.HTTPException) as too_big:
        await chan.send(embeds=embeds)
    assert too_big.value.code == 50035
    with pytest.raises(disnake.HTTPException) as bad_nick:
        await guild_member(bot, guild.id).edit(nick="n" * 33)
    assert bad_nick.value.code == 50035
    with pytest.raises(disnake.HTTPException) as long_reason:
        await guild_member(bot, guild.id).edit(nick="ok", reason="r" * 513)
    assert long_reason.value.code == 50035
    assert double.messages_in(channel) == []  # nothing was acted on

    assert len(double.contract_violations) == 4
    assert "BASE_TYPE_MAX_LENGTH" in double.contract_violations[0]
    assert "MAX_EMBED_SIZE_EXCEEDED" in double.contract_violations[1]
    with pytest.raises(pytest.fail.Exception, match="breaking Discord's API contract"):
        assert_contract_kept(double)  # what fails the test that sent them
    double.contract_violations.clear()


def guild_member(bot: commands.InteractionBot, guild_id: int) -> disnake.Member:
    guild = bot.get_guild(guild_id)
    assert guild is not None
    return guild.me


def _register(double: DiscordDouble, guild_id: int, options: list[dict]) -> None:
    data = {"name": "pick", "description": "Pick.", "type": 1, "options": options}
    cmd = Command(double.ids.next(), double.application_id, guild_id, data, double.ids.next())
    double.world.commands[cmd.id] = cmd


@pytest.mark.parametrize(
    ("option", "value", "rule"),
    [
        ({"type": 4, "min_value": 1, "max_value": 10}, 0, "below min_value"),
        ({"type": 4, "min_value": 1, "max_value": 10}, 11, "above max_value"),
        ({"type": 4}, 2.5, "not an integer"),
        ({"type": 10, "max_value": 1.5}, 2.0, "above max_value"),
        ({"type": 3, "min_length": 2}, "a", "shorter than min_length"),
        ({"type": 3, "max_length": 3}, "abcd", "longer than max_length"),
        ({"type": 3, "choices": [{"name": "A", "value": "a"}]}, "b", "not one of the choices"),
        ({"type": 5}, "yes", "not a boolean"),
    ],
)
async def test_invocations_discord_would_refuse_never_reach_the_bot(
    double: DiscordDouble, option: dict, value: object, rule: str
) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    _register(double, guild.id, [{"name": "v", "description": "V.", **option}])
    with pytest.raises(InvalidInvocation, match=rule):
        await double.invoke_slash(guild, guild.text_channels[0], alice, "pick", {"v": value})
    assert double.interactions.handles == {}


async def test_required_option_and_channel_types_are_enforced(double: DiscordDouble) -> None:
    guild = double.create_guild("g")
    alice = double.add_member(guild, "alice")
    voice = double.create_channel(guild, "voice", type=2)
    options = [
        {"name": "where", "description": "W.", "type": 7, "channel_types": [0]},
        {"name": "n", "description": "N.", "type": 4, "required": True},
    ]
    _register(double, guild.id, options)
    chan = guild.text_channels[0]
    with pytest.raises(ValueError, match="missing required"):
        await double.invoke_slash(guild, chan, alice, "pick", {"where": chan})
    with pytest.raises(InvalidInvocation, match="channel type 2"):
        await double.invoke_slash(guild, chan, alice, "pick", {"where": voice, "n": 1})
    handle = await double.invoke_slash(guild, chan, alice, "pick", {"where": chan, "n": 1})
    assert handle.payload["data"]["options"][1] == {"name": "n", "type": 4, "value": 1}


def test_an_identical_body_is_walked_once_and_keeps_its_verdict() -> None:
    """The per-process verdict cache: a repeated body costs one digest, never a wrong answer."""
    from core.testing.double.errors import ApiError
    from core.testing.double.request_rules import VerdictCache, check_request

    cache = VerdictCache(size=2)
    route = "/applications/{application_id}/commands"
    op = contract().operation("PUT", route)
    assert op is not None
    validator = op.request_validator()
    good = [{"name": "ping", "description": "Ping.", "type": 1}]
    bad = [{"name": "ping", "description": "x" * 101, "type": 1}]
    assert cache.problems(op, validator, good) == ()
    assert cache.problems(op, validator, [dict(good[0])]) == ()  # equal body: a hit
    assert (cache.hits, cache.misses) == (1, 1)
    [(path, code, _)] = cache.problems(op, validator, bad)
    assert (path, code) == ([0, "description"], "BASE_TYPE_MAX_LENGTH")
    assert cache.problems(op, validator, bad)[0][1] == "BASE_TYPE_MAX_LENGTH"  # cached refusal
    assert (cache.hits, cache.misses) == (2, 2)
    cache.problems(op, validator, [{**good[0], "name": "pong"}])  # third body evicts the oldest
    assert cache.problems(op, validator, good) == () and cache.misses == 4
    for _ in range(2):  # the process-wide cache, through the real entry: refused both times
        with pytest.raises(ApiError) as refused:
            check_request("PUT", route, bad, {})
        assert refused.value.code == 50035
