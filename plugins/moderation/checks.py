"""Who may act on whom: the invoker's permission, the target rules, the bot's own reach.

Each check raises :class:`Refusal` with the exact reason; the cog answers it ephemerally
and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import disnake

from core.plugins.api import BotLike, PermissionNames
from plugins.moderation.texts import Explained


class Refusal(Explained):
    """A moderation command that must not run; the message is shown to the invoker."""


def require_permission(author: disnake.abc.User, flag: str, bot: BotLike | None = None) -> None:
    """The invoker must hold ``flag`` (e.g. ``"kick_members"``) in this guild, or the role
    that ``[plugins.moderation] permission_roles`` (of ``bot``'s plugins) maps to it."""
    if not isinstance(author, disnake.Member):
        raise Refusal("refusal.you_need", permissions=PermissionNames((flag,)))
    roles = permission_roles(bot)
    if holds(author.guild_permissions, [r.name for r in author.roles], flag, roles):
        return
    role_name = roles.get(flag)
    if role_name:
        raise Refusal("refusal.you_need_or_role", permissions=PermissionNames((flag,)),
                      role=role_name)
    raise Refusal("refusal.you_need", permissions=PermissionNames((flag,)))


def holds(
    permissions: disnake.Permissions, role_names: Iterable[str], flag: str,
    roles: Mapping[str, str],
) -> bool:
    """The rule of :func:`require_permission`: ``flag`` among ``permissions`` (the owner's
    and an Administrator's include every flag), or a role named as ``roles[flag]``."""
    if getattr(permissions, flag):
        return True
    role_name = roles.get(flag)
    return bool(role_name) and any(
        name.casefold() == str(role_name).casefold() for name in role_names)


def permission_roles(bot: BotLike | None) -> Mapping[str, str]:
    """The configured ``permission_roles`` of the moderation plugin (empty if none)."""
    settings = getattr(getattr(bot, "plugins", None), "plugin_settings", {}).get("moderation")
    return getattr(settings, "permission_roles", {}) or {}


def guild_member(guild: disnake.Guild, target: disnake.abc.User) -> disnake.Member:
    """``target`` as a member of ``guild`` (a user of another guild is refused)."""
    member = as_member(guild, target)
    if member is None:
        raise Refusal("refusal.not_member", name=_name(target))
    return member


def as_member(guild: disnake.Guild, target: disnake.abc.User) -> disnake.Member | None:
    """The resolved option when it is a member of ``guild``, else the cached member."""
    if isinstance(target, disnake.Member) and target.guild.id == guild.id:
        return target
    return guild.get_member(target.id)


async def fetched_member(guild: disnake.Guild, target: disnake.abc.User) -> disnake.abc.User:
    """``target`` as a member of ``guild``, fetched when the cache does not hold it (the
    large profile caches no members), so the hierarchy checks see its roles; ``target``
    itself when it is not a member."""
    if as_member(guild, target) is not None or guild.chunked:  # chunked: a full cache
        return target
    try:
        return await guild.fetch_member(target.id)
    except disnake.NotFound:
        return target


def check_target(guild: disnake.Guild, author: disnake.Member, target: disnake.abc.User) -> None:
    """Nobody acts on themselves, the owner, the bot, or a member ranked at or above them."""
    me = guild.me
    if target.id == author.id:
        raise Refusal("refusal.yourself")
    if target.id == guild.owner_id:
        raise Refusal("refusal.owner")
    if target.id == me.id:
        raise Refusal("refusal.me")
    member = as_member(guild, target)
    if member is None or author.id == guild.owner_id:
        return
    if member.top_role >= author.top_role:
        raise Refusal("refusal.ranked_above_you", name=_name(member))


def check_bot(guild: disnake.Guild, flag: str, target: disnake.abc.User | None) -> None:
    """The bot must hold ``flag`` and rank above ``target``'s highest role."""
    me = guild.me
    if not getattr(me.guild_permissions, flag):
        raise Refusal("refusal.i_need", permissions=PermissionNames((flag,)))
    member = as_member(guild, target) if target is not None else None
    if member is not None and member.top_role >= me.top_role:
        raise Refusal("refusal.ranked_above_me", my_role=me.top_role.name, name=_name(member),
                      their_role=member.top_role.name)


def check_mute_role(guild: disnake.Guild, role_id: int) -> disnake.Role:
    """The configured mute role must exist and sit below the bot's highest role."""
    role = guild.get_role(role_id)
    if role is None:
        raise Refusal("refusal.mute_role_gone")
    me = guild.me
    if not me.guild_permissions.manage_roles:
        raise Refusal("refusal.i_need", permissions=PermissionNames(("manage_roles",)))
    if role >= me.top_role:
        raise Refusal("refusal.mute_role_above_me", role=role.name)
    return role


def _name(user: disnake.abc.User) -> str:
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(user.display_name))
