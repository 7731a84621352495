"""Without the message content intent there are no prefix commands: ``!rank`` and
``!help`` get no answer and ``/help`` shows no prefix forms."""

from __future__ import annotations

import asyncio

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.runtime.assembly import Runtime
from core.testing.bot_fixtures import channel_reply, settings_for_double
from core.testing.double import DiscordDouble, run_client
from core.testing.sandbox.world import DemoWorld

TIMEOUT = 20.0
QUIET = 0.5  # seconds of silence that count as "no answer"


async def test_no_prefix_commands_without_the_intent(
    guildhall_db: Runtime, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> None:
    double, demo = guildhall_double, guildhall_demo
    settings = settings_for_double(guildhall_db.settings, double)
    settings.discord.message_content_intent = False
    bot = GuildhallBot(settings, guildhall_db.plugins, guild_ready_timeout=0.1)
    runner = await run_client(bot, double)
    try:
        handle = await double.invoke_slash(demo.guild, demo.general, demo.member, "help",
                                           register_timeout=TIMEOUT)
        reply = await handle.wait_response(timeout=TIMEOUT)
        shown = "\n".join(e.get("description") or "" for e in reply.embeds)
        assert "`/rank`" in shown and "`!" not in shown
        for text in ("!rank", "!help"):
            await double.send_message(demo.general, demo.member, text)
            with pytest.raises(TimeoutError):
                await channel_reply(double, demo.general, timeout=QUIET)
    finally:
        error = await runner.stop()
    assert error is None or isinstance(error, asyncio.CancelledError)
