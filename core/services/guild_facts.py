"""Plain facts about a guild's roles and the bot's standing there.

Rules shared by a slash command and the web dashboard (which knows the guild only from
Discord's REST answers) take these instead of disnake objects, so each rule is written
once; :func:`role_facts` and :func:`bot_facts` build them from disnake objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import disnake


@dataclass(frozen=True)
class RoleFacts:
    """What role rules need to know about a role."""

    id: int
    name: str
    position: int
    managed: bool
    default: bool


@dataclass(frozen=True)
class BotFacts:
    """The bot's standing in the guild: its highest role's position, Manage Roles."""

    top_position: int
    manage_roles: bool


def role_facts(role: disnake.Role) -> RoleFacts:
    """The facts of a disnake role."""
    return RoleFacts(role.id, role.name, role.position, role.managed, role.is_default())


def bot_facts(guild: disnake.Guild) -> BotFacts:
    """The bot's standing in a disnake guild."""
    return BotFacts(guild.me.top_role.position, guild.me.guild_permissions.manage_roles)
