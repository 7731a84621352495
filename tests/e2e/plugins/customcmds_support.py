"""Helpers shared by the custom command and analytics e2e tests."""

from __future__ import annotations

from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import channel_reply
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Channel, Guild, Member, Message
from plugins.customcmds.cog import CustomCommands

TIMEOUT = 15.0  # generous: several engineers share two cores


def customcmds(bot: GuildhallBot) -> CustomCommands:
    """The bot's custom commands cog, with its periodic flush stopped (tests flush)."""
    cog = bot.get_cog("CustomCommands")
    assert isinstance(cog, CustomCommands)
    cog.settings = cog.settings.model_copy(update={"flush_seconds": 300.0})
    if cog._loop_task is not None:
        cog._loop_task.cancel()
    return cog


async def slash(
    double: DiscordDouble, guild: Guild, channel: Channel, member: Member, name: str,
    options: dict[str, Any] | None = None,
) -> InteractionReply:
    """Invoke a slash command and return its first visible answer."""
    handle = await double.invoke_slash(
        guild, channel, member, name, options, register_timeout=TIMEOUT
    )
    return await handle.wait_response(timeout=TIMEOUT)


async def say(double: DiscordDouble, channel: Channel, member: Member, text: str) -> Message:
    """Post ``text`` and return the bot's next message in the channel."""
    await double.send_message(channel, member, text)
    return await channel_reply(double, channel, timeout=TIMEOUT)
