"""Helpers shared by the welcome e2e tests."""

from __future__ import annotations

from typing import Any

from core.bot.guildhall_bot import GuildhallBot
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Member, Role
from core.testing.sandbox.world import DemoWorld

TIMEOUT = 15.0  # generous: several engineers share two cores


async def slash(double: DiscordDouble, demo: DemoWorld, member: Member, name: str,
                options: dict[str, Any] | None = None) -> InteractionReply:
    """Invoke ``/name`` in the demo guild's #general as ``member``; return the answer."""
    handle = await double.invoke_slash(demo.guild, demo.general, member, name, options or {},
                                       register_timeout=TIMEOUT)
    return await handle.wait_response(timeout=TIMEOUT)


async def role(bot: GuildhallBot, double: DiscordDouble, demo: DemoWorld, name: str,
               **kw: Any) -> Role:
    """A new role of the demo guild, once the bot has seen it."""
    made = double.create_role(demo.guild, name, **kw)
    await eventually(lambda: bot.get_guild(demo.guild.id).get_role(made.id), timeout=TIMEOUT,
                     message="the bot never saw the role")
    return made


def owner(demo: DemoWorld) -> Member:
    """The demo guild's owner (may hand out any role)."""
    return demo.guild.members[demo.guild.owner_id]
