"""Permission bits, effective-permission computation and role hierarchy checks."""

from __future__ import annotations

from .errors import ApiError
from .state import Channel, Guild, Member, Role

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40

ALL_PERMISSIONS = (1 << 51) - 1

DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

DEFAULT_BOT = (
    DEFAULT_EVERYONE
    | KICK_MEMBERS
    | BAN_MEMBERS
    | MANAGE_MESSAGES
    | MANAGE_NICKNAMES
    | MANAGE_ROLES
    | MODERATE_MEMBERS
)


def base_permissions(guild: Guild, member: Member) -> int:
    """Guild-level permissions: owner and administrator get everything."""
    if member.id == guild.owner_id:
        return ALL_PERMISSIONS
    perms = guild.everyone_role.permissions
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None:
            perms |= role.permissions
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(guild: Guild, channel: Channel | None, member: Member) -> int:
    """Permissions in ``channel`` after applying overwrites (Discord's documented order)."""
    perms = base_permissions(guild, member)
    if channel is None or perms == ALL_PERMISSIONS:
        return perms
    by_id = {ow.id: ow for ow in channel.overwrites}
    everyone = by_id.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = by_id.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = by_id.get(member.id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & VIEW_CHANNEL:
        return 0
    return perms


def top_role(guild: Guild, member: Member) -> Role:
    """The member's highest role (the @everyone role if it has none)."""
    best = guild.everyone_role
    for role_id in member.roles:
        role = guild.roles.get(role_id)
        if role is not None and _role_key(role) > _role_key(best):
            best = role
    return best


def _role_key(role: Role) -> tuple[int, int]:
    # Equal positions: the older role (lower id) ranks higher, as on Discord.
    return (role.position, -role.id)


def role_above(a: Role, b: Role) -> bool:
    """Whether role ``a`` ranks strictly above role ``b``."""
    return _role_key(a) > _role_key(b)


def require(guild: Guild, actor: Member, permission: int, channel: Channel | None = None) -> None:
    """Raise 403/50013 unless ``actor`` has ``permission`` (in ``channel`` if given)."""
    perms = channel_permissions(guild, channel, actor)
    if perms & permission != permission:
        raise ApiError.missing_permissions()


def require_above_member(guild: Guild, actor: Member, target: Member) -> None:
    """Raise 403/50013 unless ``actor`` outranks ``target`` (nobody outranks the owner)."""
    if target.id == guild.owner_id:
        raise ApiError.missing_permissions()
    if actor.id == guild.owner_id:
        return
    if not role_above(top_role(guild, actor), top_role(guild, target)):
        raise ApiError.missing_permissions()


def require_above_role(guild: Guild, actor: Member, role: Role) -> None:
    """Raise 403/50013 unless ``actor`` may assign ``role`` (below its top role, not managed)."""
    if role.managed or role.id == guild.id:
        raise ApiError.missing_permissions()
    if actor.id == guild.owner_id:
        return
    if not role_above(top_role(guild, actor), role):
        raise ApiError.missing_permissions()
