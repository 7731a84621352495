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
    permissions: int = 0  # the role's permission bits (Discord's bitfield)


@dataclass(frozen=True)
class BotFacts:
    """The bot's standing in the guild: its highest role's position, Manage Roles."""

    top_position: int
    manage_roles: bool


@dataclass(frozen=True)
class ActorFacts:
    """The person configuring something: owner or not, guild permissions, highest role."""

    id: int
    owner: bool
    permissions: int
    top_position: int


def role_facts(role: disnake.Role) -> RoleFacts:
    """The facts of a disnake role."""
    return RoleFacts(role.id, role.name, role.position, role.managed, role.is_default(),
                     role.permissions.value)


def actor_facts(member: disnake.Member) -> ActorFacts:
    """The standing of a disnake member in its guild."""
    return ActorFacts(member.id, member.id == member.guild.owner_id,
                      member.guild_permissions.value, member.top_role.position)


def bot_facts(guild: disnake.Guild) -> BotFacts:
    """The bot's standing in a disnake guild."""
    return BotFacts(guild.me.top_role.position, guild.me.guild_permissions.manage_roles)
