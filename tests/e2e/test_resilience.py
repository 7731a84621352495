"""Gateway resume without lost events, and unexpected command errors."""

from __future__ import annotations

import asyncio
import logging

import disnake
import pytest
from disnake.ext import commands

from core.bot.errors import GENERIC_FAILURE
from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import StartBot, channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

REFERENCE = GENERIC_FAILURE.split("(")[0]


async def test_resume_after_dropped_socket_loses_nothing(
    guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    resumed = asyncio.Event()

    async def on_shard_resumed(shard_id: int) -> None:
        if shard_id == 0:
            resumed.set()

    guildhall_bot.add_listener(on_shard_resumed)
    identifies = len(double.gateway.identifies)
    assert await double.drop_shard(0) == 1
    await double.send_message(demo.general, demo.member, "!ping")  # sent while down
    await double.send_message(demo.general, demo.member, "!prefix")
    await asyncio.wait_for(resumed.wait(), 10)

    assert (await channel_reply(double, demo.general)).content.startswith("Pong!")
    assert "`!`" in (await channel_reply(double, demo.general)).content
    assert len(double.gateway.identifies) == identifies  # RESUME, not a new IDENTIFY
    assert double.gateway.live_sessions(0)[0].resumes == 1


class Broken(commands.Cog):
    """Test-only commands that fail with a bug."""

    @commands.command(name="boom")
    async def boom_prefix(self, ctx: commands.Context) -> None:
        raise RuntimeError("prefix kaboom")

    @commands.slash_command(name="boom", description="Fails")
    async def boom_slash(self, inter: disnake.ApplicationCommandInteraction) -> None:
        raise RuntimeError("slash kaboom")


def logged_failure(caplog: pytest.LogCaptureFixture, reference: str) -> logging.LogRecord:
    records = [r for r in caplog.records if reference in r.getMessage()]
    assert len(records) == 1, [r.getMessage() for r in caplog.records]
    return records[0]


async def test_unexpected_error_gets_generic_reply_and_logged_traceback(
    guildhall_demo: DemoWorld,
    guildhall_double: DiscordDouble,
    guildhall_start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    double, demo = guildhall_double, guildhall_demo
    caplog.set_level(logging.ERROR, logger="core.bot.errors")
    await guildhall_start_bot(cogs=[Broken()])

    await double.send_message(demo.general, demo.member, "!boom")
    reply = (await channel_reply(double, demo.general)).content
    assert reply.startswith(REFERENCE)
    reference = reply.split("`")[1]
    record = logged_failure(caplog, reference)
    assert "!boom" in record.getMessage()
    assert record.exc_info is not None and "prefix kaboom" in str(record.exc_info[1])
    assert "Traceback" in caplog.text and "boom_prefix" in caplog.text

    handle = await double.invoke_slash(demo.guild, demo.general, demo.member, "boom")
    answer = await handle.wait_response()
    assert answer.content.startswith(REFERENCE) and answer.ephemeral
    record = logged_failure(caplog, answer.content.split("`")[1])
    assert record.exc_info is not None and "slash kaboom" in str(record.exc_info[1])
