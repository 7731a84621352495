"""Helpers shared by the moderation e2e tests: a moderator role and member, slash calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.testing.double import DiscordDouble
from core.testing.double import permissions as P
from core.testing.double.interactions import InteractionReply
from core.testing.double.state import Channel, Guild, Member, Role
from core.testing.sandbox.world import DemoWorld
from plugins.moderation.models import ModAction, ModActionAmendment, TempPunishment, Warning

TIMEOUT = 20.0  # generous: several engineers share two cores
MOD_PERMISSIONS = P.DEFAULT_EVERYONE | P.KICK_MEMBERS | P.BAN_MEMBERS | P.MODERATE_MEMBERS


@dataclass
class ModWorld:
    """The demo world plus ``mod`` and ``peer`` (both with the "Moderator" role)."""

    double: DiscordDouble
    demo: DemoWorld
    bot: GuildhallBot
    mod_role: Role
    mod: Member
    peer: Member

    @property
    def guild(self) -> Guild:
        """The demo guild."""
        return self.demo.guild

    @property
    def general(self) -> Channel:
        """#general of the demo guild."""
        return self.demo.general

    async def slash(
        self, member: Member, name: str, options: dict[str, Any] | None = None,
        guild: Guild | None = None, channel: Channel | None = None,
    ) -> InteractionReply:
        """Invoke a slash command and return its first answer."""
        handle = await self.double.invoke_slash(
            guild or self.guild, channel or self.general, member, name, options,
            register_timeout=TIMEOUT,
        )
        return await handle.wait_response(timeout=TIMEOUT)


@pytest.fixture
async def mod_world(
    guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, guildhall_start_bot: Any
) -> ModWorld:
    """A started bot in the demo world with two moderators."""
    double, demo = guildhall_double, guildhall_demo
    role = double.create_role(demo.guild, "Moderator", permissions=MOD_PERMISSIONS)
    mod = double.add_member(demo.guild, "mod", roles=[role])
    peer = double.add_member(demo.guild, "peer", roles=[role])
    bot = await guildhall_start_bot()
    return ModWorld(double, demo, bot, role, mod, peer)


async def table_counts() -> tuple[int, int, int, int]:
    """Rows in warnings, mod_actions, amendments and temp_punishments."""
    return (
        await Warning.all().count(), await ModAction.all().count(),
        await ModActionAmendment.all().count(), await TempPunishment.all().count(),
    )
