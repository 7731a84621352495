"""JSON log lines of real commands, listeners (through the Discord double) and timers."""

from __future__ import annotations

import io
import json
import logging
import types
from collections.abc import Iterator

import disnake
import pytest
from disnake.ext import commands

from core.plugins.hookspecs import hookimpl
from core.runtime.assembly import Runtime
from core.runtime.config import LoggingSettings
from core.runtime.logging_setup import setup_logging
from core.testing.bot_fixtures import StartBot, channel_reply, eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from plugins.reminders.models import Reminder
from tests.core.timers.scheduler_kit import in_seconds, reminder_source, running

PROBE_LOG = logging.getLogger("gh_probe.cog")  # a logger inside the probe plugin's package


class ProbeCog(commands.Cog):
    """A third-party plugin's commands and listener that log."""

    @commands.slash_command(name="probe", description="Log a line")
    async def probe(self, inter: disnake.ApplicationCommandInteraction) -> None:
        PROBE_LOG.info("probe ran")
        await inter.response.send_message("probed")

    @commands.command(name="probefail")
    async def probefail(self, ctx: commands.Context) -> None:
        raise RuntimeError("probe failure")

    @commands.Cog.listener("on_message")
    async def seen(self, message: disnake.Message) -> None:
        if message.content == "probe me":
            PROBE_LOG.info("probe saw a message")


def probe_plugin() -> types.ModuleType:
    """A plugin module named ``gh_probe`` (as an installed package would be)."""
    module = types.ModuleType("gh_probe")

    @hookimpl
    def guildhall_cogs(bot: commands.Bot) -> list[commands.Cog]:
        return [ProbeCog()]

    module.guildhall_cogs = guildhall_cogs  # type: ignore[attr-defined]
    return module


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """``setup_logging`` with JSON lines, captured; the previous logging restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    setup_logging(LoggingSettings(json_format=True, level="INFO"))
    stream = io.StringIO()
    for handler in root.handlers:
        if getattr(handler, "_guildhall", False):
            handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def entries(stream: io.StringIO, message: str) -> list[dict]:
    found = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [entry for entry in found if entry["message"].startswith(message)]


async def test_command_and_listener_lines_carry_guild_shard_and_plugin(
    json_log: io.StringIO,
    guildhall_db: Runtime,
    guildhall_double: DiscordDouble,
    guildhall_demo: DemoWorld,
    guildhall_start_bot: StartBot,
) -> None:
    guildhall_db.plugins.register("probe", probe_plugin())
    await guildhall_start_bot()
    double, demo = guildhall_double, guildhall_demo

    for guild, channel, shard in ((demo.guild, demo.general, 0),
                                  (demo.annex, demo.annex_general, 1)):
        handle = await double.invoke_slash(guild, channel, demo.member, "probe")
        assert (await handle.wait_response()).content == "probed"
        [line] = entries(json_log, "probe ran")[-1:]
        assert line["logger"] == "gh_probe.cog" and line["level"] == "INFO"
        assert (line["plugin"], line["guild"], line["shard"]) == ("probe", guild.id, shard)
        assert line["cluster"] == 0

    await double.send_message(demo.general, demo.member, "probe me")
    [seen] = await eventually(lambda: entries(json_log, "probe saw a message"))
    assert (seen["plugin"], seen["guild"], seen["shard"]) == ("probe", demo.guild.id, 0)

    # core code (the error reporter) logging for a plugin's command: the command's context
    await double.send_message(demo.general, demo.member, "!probefail")
    assert "reference" in (await channel_reply(double, demo.general)).content
    [failed] = entries(json_log, "command !probefail failed")
    assert failed["logger"] == "core.bot.errors" and failed["level"] == "ERROR"
    assert (failed["plugin"], failed["guild"], failed["shard"]) == ("probe", demo.guild.id, 0)
    assert "RuntimeError: probe failure" in failed["exception"]


async def test_timer_handler_lines_carry_the_source_plugin_and_row_guild(
    json_log: io.StringIO, guildhall_db: Runtime
) -> None:
    guild_id = (77 << 22) | 1
    await Reminder.create(user_id=1, channel_id=2, message="m", remind_at=in_seconds(-5),
                          guild_id=guild_id)
    handled: list[int] = []

    async def handler(row: Reminder) -> bool:
        logging.getLogger("core.timer_probe").info("timer handled")
        handled.append(row.pk)
        return True

    async with running(reminder_source(handler, name="probe.reminders")):
        await eventually(lambda: handled)
    [line] = entries(json_log, "timer handled")
    assert (line["plugin"], line["guild"]) == ("probe", guild_id)
