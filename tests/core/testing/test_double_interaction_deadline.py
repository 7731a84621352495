"""The initial interaction response must come within Discord's 3 s, else 404/10062.

The deadline runs on the double's injected clock, so the test moves time by hand and does
not depend on how fast a loaded machine runs the bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import disnake
from disnake.ext import commands

from core.testing.double import DiscordDouble, RunningClient, bot_intents
from core.testing.double.server import DISCORD_INTERACTION_DEADLINE, DoubleConfig

StartBot = Callable[..., Awaitable[RunningClient]]


class ManualClock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _slow_bot(gate: asyncio.Event, outcome: asyncio.Queue[int | str]) -> commands.InteractionBot:
    bot = commands.InteractionBot(intents=bot_intents(), guild_ready_timeout=0.1)

    @bot.slash_command(description="Answers when the test lets it.")
    async def slow(inter: disnake.ApplicationCommandInteraction) -> None:
        await gate.wait()
        gate.clear()
        try:
            await inter.response.send_message("answered")
        except disnake.InteractionTimedOut:  # disnake's name for a 404 with code 10062
            outcome.put_nowait(10062)
            return
        outcome.put_nowait("ok")

    return bot


async def test_initial_response_past_three_seconds_is_unknown_interaction(
    make_double: Callable[..., Awaitable[DiscordDouble]], start_bot: StartBot
) -> None:
    clock = ManualClock()
    double = await make_double(interaction_timeout=DISCORD_INTERACTION_DEADLINE, clock=clock)
    guild = double.create_guild("deadline", shard=0)
    alice = double.add_member(guild, "alice")
    channel = guild.text_channels[0]
    gate, outcome = asyncio.Event(), asyncio.Queue[int | str]()
    await start_bot(_slow_bot(gate, outcome), double)

    on_time = await double.invoke_slash(guild, channel, alice, "slow")
    clock.now += DISCORD_INTERACTION_DEADLINE - 0.01
    gate.set()
    assert await asyncio.wait_for(outcome.get(), 30) == "ok"
    assert (await on_time.wait_response(timeout=30)).content == "answered"

    late = await double.invoke_slash(guild, channel, alice, "slow")
    clock.now += DISCORD_INTERACTION_DEADLINE + 0.01
    gate.set()
    assert await asyncio.wait_for(outcome.get(), 30) == 10062
    assert not late.acknowledged
    refused = double.requests.filter(check=lambda r: r.route.endswith("/callback"))
    assert [r.status for r in refused] == [204, 404]


def test_default_deadline_is_generous_and_discords_is_opt_in() -> None:
    assert DISCORD_INTERACTION_DEADLINE == 3.0
    assert DoubleConfig().interaction_timeout >= 10 * DISCORD_INTERACTION_DEADLINE
