"""Hot-path dispatch: inline message hooks, at most one task per message, counted events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import disnake
import pytest
from disnake.ext import commands

from core.bot.dispatch import message_hook
from core.bot.guildhall_bot import GuildhallBot
from core.plugins.gate import guard_cog
from core.services import plugin_switches
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

pytestmark = pytest.mark.usefixtures("guildhall_demo")


class Probe(commands.Cog):
    """A cog with message hooks: one plain, one with async follow-up work, one broken."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.later: list[str] = []

    @message_hook
    def plain(self, message: disnake.Message) -> None:
        self.seen.append(message.content)

    @message_hook
    def needs_io(self, message: disnake.Message) -> Awaitable[None] | None:
        if not message.content.startswith("io"):
            return None
        return self._later(message.content)

    async def _later(self, content: str) -> None:
        await asyncio.sleep(0)
        self.later.append(content)

    @message_hook
    def broken(self, message: disnake.Message) -> None:
        if message.content == "boom":
            raise RuntimeError("hook bug")


def message_tasks() -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "disnake: on_message"
            and not t.done()]


async def first_message(bot: GuildhallBot, double: DiscordDouble, demo: DemoWorld,
                        probe: Probe) -> disnake.Message:
    await double.send_message(demo.general, demo.member, "hello")
    await eventually(lambda: "hello" in probe.seen, timeout=30)
    # the first message's own listener task (plugins' database work) may still be running
    # on a busy machine: the tests below count tasks, so start from none
    await eventually(lambda: not message_tasks(), timeout=30,
                     message="the first message's listeners never finished")
    return bot.cached_messages[-1]


async def test_a_plain_message_runs_hooks_inline_and_starts_no_task(
    guildhall_start_bot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    probe = Probe()
    bot = await guildhall_start_bot(cogs=[probe])
    message = await first_message(bot, guildhall_double, guildhall_demo, probe)
    before = len(probe.seen)
    bot.dispatch("message", message)
    assert len(probe.seen) == before + 1  # ran inside dispatch, before any await
    assert message_tasks() == []
    assert bot.gateway_events["MESSAGE_CREATE"] >= 1


async def test_listeners_and_follow_ups_share_one_task_and_survive_errors(
    guildhall_start_bot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    probe = Probe()
    bot = await guildhall_start_bot(cogs=[probe])
    message = await first_message(bot, guildhall_double, guildhall_demo, probe)
    heard: list[str] = []

    async def failing(msg: disnake.Message) -> None:
        raise RuntimeError("listener bug")

    async def recording(msg: disnake.Message) -> None:
        heard.append(msg.content)

    bot.add_listener(failing, "on_message")
    bot.add_listener(recording, "on_message")
    message.content = "io please"
    bot.dispatch("message", message)
    assert len(message_tasks()) == 1
    await eventually(lambda: heard == ["io please"] and probe.later == ["io please"])

    caplog.set_level(logging.ERROR)
    message.content = "boom"
    bot.dispatch("message", message)
    await eventually(lambda: heard[-1] == "boom")
    assert "hook bug" in caplog.text or "Probe.broken" in caplog.text
    assert probe.seen[-1] == "boom"


async def test_prefix_commands_still_run_and_removed_cogs_stop_hooking(
    guildhall_start_bot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    probe = Probe()
    ran: list[str] = []

    class Commands(commands.Cog):
        @commands.command(name="probe")
        async def probe_command(self, ctx: commands.Context) -> None:
            ran.append(ctx.message.content)

    bot = await guildhall_start_bot(cogs=[probe, Commands()])
    await first_message(bot, guildhall_double, guildhall_demo, probe)
    await guildhall_double.send_message(guildhall_demo.general, guildhall_demo.member, "!probe")
    await eventually(lambda: ran == ["!probe"])
    bot.remove_cog("Probe")
    count = len(probe.seen)
    await guildhall_double.send_message(guildhall_demo.general, guildhall_demo.member, "!probe")
    await eventually(lambda: len(ran) == 2)
    assert len(probe.seen) == count


def test_message_hooks_must_be_plain_functions() -> None:
    async def coroutine(self: object, message: object) -> None:
        return None

    with pytest.raises(TypeError, match="plain function"):
        message_hook(coroutine)


async def test_a_plugins_hooks_follow_its_switch_cached_or_not(
    guildhall_start_bot, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    probe = guard_cog(Probe(), "leveling")  # hooks of the leveling plugin, as the bot guards them
    bot = await guildhall_start_bot(cogs=[probe])
    message = await first_message(bot, guildhall_double, guildhall_demo, probe)
    guild_id = guildhall_demo.guild.id

    async def switch(enabled: bool) -> None:
        await plugin_switches.set_enabled(guild_id, "leveling", enabled, actor_id=1,
                                          source="slash", known=["leveling"])

    await switch(False)  # drops the cached switches: the next message loads them
    message.content = "while off, not cached"
    bot.dispatch("message", message)
    await eventually(lambda: plugin_switches.cached_disabled(guild_id) is not None)
    await eventually(lambda: not message_tasks())
    message.content = "while off, cached"
    bot.dispatch("message", message)  # skipped inline: no task, no call
    assert message_tasks() == []
    assert probe.seen[-1] == "hello" and not any("off" in seen for seen in probe.seen)

    await switch(True)
    message.content = "on again, not cached"
    bot.dispatch("message", message)
    await eventually(lambda: probe.seen[-1] == "on again, not cached")
    await eventually(lambda: not message_tasks())
    message.content = "on again, cached"
    bot.dispatch("message", message)
    assert probe.seen[-1] == "on again, cached"  # inline, inside dispatch
