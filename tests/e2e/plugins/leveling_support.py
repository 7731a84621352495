"""Helpers shared by the leveling e2e tests."""

from __future__ import annotations

import asyncio
from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.services import xp
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Channel, Guild, Member
from plugins.leveling.cog import Leveling

TIMEOUT = 15.0  # generous: several engineers share two cores
QUIET = 0.5


def leveling(bot: GuildhallBot) -> Leveling:
    """The bot's leveling cog."""
    cog = bot.get_cog("Leveling")
    assert isinstance(cog, Leveling)
    return cog


def manual_flushes(bot: GuildhallBot) -> GuildhallBot:
    """Stop the periodic flush so the test decides when XP is written (``bot.flush()``)."""
    cog = leveling(bot)
    cog.settings = cog.settings.model_copy(update={"flush_seconds": 300.0})
    if cog._loop_task is not None:
        cog._loop_task.cancel()
    return bot


async def slash(
    double: DiscordDouble, guild: Guild, channel: Channel, member: Member, name: str,
    options: dict[str, Any] | None = None,
) -> InteractionReply:
    """Invoke a slash command and return its first visible answer."""
    handle = await double.invoke_slash(
        guild, channel, member, name, options, register_timeout=TIMEOUT
    )
    return await handle.wait_response(timeout=TIMEOUT)


async def talk_and_wait(
    double: DiscordDouble, bot: GuildhallBot, channel: Channel, member: Member, text: str = "hi"
) -> int:
    """Post a message and wait until the bot buffered XP for it; return the pending XP."""
    cog = leveling(bot)
    before = cog.buffer.pending(member.id, channel.guild_id or 0)
    await double.send_message(channel, member, text)
    return await eventually(
        lambda: (p := cog.buffer.pending(member.id, channel.guild_id or 0)) > before and p,
        timeout=TIMEOUT, message="no XP was buffered for the message",
    )


async def stored_xp(bot: GuildhallBot, guild: Guild, member: Member) -> int:
    """Flush the bot's buffers, then read the member's stored guild XP."""
    await bot.flush()
    return (await xp.member_xp(guild.id, member.id))[0]


async def settle() -> None:
    """Give the bot time to handle events that must have no effect."""
    await asyncio.sleep(QUIET)


def role_ids(guild: Guild, member: Member) -> set[int]:
    """The member's roles as the double (Discord) holds them."""
    return set(guild.members[member.id].roles)
