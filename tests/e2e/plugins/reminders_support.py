"""Helpers shared by the reminders e2e tests."""

from __future__ import annotations

import time
from typing import Any

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Channel, Guild, Member, Message

TIMEOUT = 20.0  # generous: several engineers share two cores


@pytest.fixture
def guildhall_plugins() -> list[str]:
    """Only the reminders plugin."""
    return ["reminders"]


async def slash(
    double: DiscordDouble, guild: Guild, channel: Channel, member: Member, name: str,
    options: dict[str, Any] | None = None,
) -> InteractionReply:
    """Invoke a slash command and return its first visible answer."""
    handle = await double.invoke_slash(
        guild, channel, member, name, options, register_timeout=TIMEOUT
    )
    return await handle.wait_response(timeout=TIMEOUT)


async def leading(bot: GuildhallBot) -> GuildhallBot:
    """Wait until ``bot`` holds the leader lease (its scheduler then runs)."""
    await eventually(lambda: bot.leader is not None and bot.leader.is_leader,
                     timeout=TIMEOUT, message="the bot did not become leader")
    return bot


async def reminder_in(
    double: DiscordDouble, channel: Channel, *, timeout: float = TIMEOUT  # noqa: ASYNC109
) -> tuple[Message, float]:
    """The next reminder the bot posts in ``channel`` and the wall time it was seen."""
    message = await double.wait_for_message(
        channel, check=lambda m: m.interaction is None and "reminder:" in m.content,
        timeout=timeout,
    )
    return message, time.time()


def dm_channel(double: DiscordDouble, member: Member) -> Channel:
    """The DM channel between the bot and ``member`` (created if needed)."""
    return double.world.dm_channel(double.bot_user.id, member.user)
