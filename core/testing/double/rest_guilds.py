"""REST routes for guild reads and moderation (bans, kicks, member edits, role changes).

Moderation checks the bot's permissions (roles, administrator, owner) and the role
hierarchy; failures are 403 code 50013 like Discord. Successful actions dispatch the
gateway events Discord sends (GUILD_BAN_ADD, GUILD_MEMBER_REMOVE, GUILD_MEMBER_UPDATE ...).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import permissions as P
from .errors import ApiError
from .payloads import channel_json, guild_json, member_json, role_json, user_json
from .rest import Ctx, Handler
from .state import Ban, Guild, Member

MAX_TIMEOUT = dt.timedelta(days=28)


def _guild(ctx: Ctx) -> tuple[Guild, Member]:
    """The guild from the path and the bot's member in it (50001 if the bot is not in it)."""
    guild = ctx.double.world.guild(ctx.id("guild_id"))
    bot = guild.members.get(ctx.double.bot_user.id)
    if bot is None:
        raise ApiError.missing_access()
    return guild, bot


def _target_id(ctx: Ctx) -> int:
    if ctx.request.match_info.get("user_id", "@me") == "@me":
        return ctx.double.bot_user.id
    return ctx.id("user_id")


def _member_update(ctx: Ctx, guild: Guild, member: Member) -> None:
    data = member_json(member)
    data["guild_id"] = str(guild.id)
    ctx.double.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild.id)


def _remove_member(ctx: Ctx, guild: Guild, member: Member) -> None:
    del guild.members[member.id]
    data = {"guild_id": str(guild.id), "user": user_json(member.user)}
    ctx.double.gateway.dispatch("GUILD_MEMBER_REMOVE", data, guild.id)


# -- reads -------------------------------------------------------------------
async def get_guild(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}."""
    guild, _ = _guild(ctx)
    return guild_json(guild)


async def get_channels(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/channels."""
    guild, _ = _guild(ctx)
    return [channel_json(c) for c in guild.channels.values()]


async def get_roles(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/roles."""
    guild, _ = _guild(ctx)
    return [role_json(r) for r in guild.roles.values()]


async def get_member(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/members/{user_id}."""
    guild, _ = _guild(ctx)
    return member_json(guild.member(_target_id(ctx)))


async def list_members(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/members."""
    guild, _ = _guild(ctx)
    limit = min(max(int(ctx.query.get("limit", 1)), 1), 1000)
    after = int(ctx.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
    return [member_json(m) for m in members[:limit]]


async def my_guilds(ctx: Ctx) -> Any:
    """Route handler: GET /users/@me/guilds."""
    return [
        {
            "id": str(g.id),
            "name": g.name,
            "icon": g.icon,
            "banner": None,
            "owner": False,
            "permissions": "0",
            "features": [],
        }
        for g in ctx.double.bot_guilds()
    ]


# -- moderation --------------------------------------------------------------
async def edit_member(ctx: Ctx) -> Any:
    """Route handler: PATCH /guilds/{guild_id}/members/{user_id or @me}."""
    guild, bot = _guild(ctx)
    member = guild.member(_target_id(ctx))
    body = ctx.body or {}
    is_self = member.id == bot.id
    if "nick" in body:
        if is_self:
            P.require(guild, bot, P.CHANGE_NICKNAME)
        else:
            P.require(guild, bot, P.MANAGE_NICKNAMES)
            P.require_above_member(guild, bot, member)
    if "roles" in body:
        new_roles = [int(r) for r in body["roles"] or []]
        P.require(guild, bot, P.MANAGE_ROLES)
        for role_id in set(new_roles) ^ set(member.roles):
            role = guild.role(role_id)
            if not (role.managed and role_id in member.roles):
                P.require_above_role(guild, bot, role)
    if "communication_disabled_until" in body:
        _check_timeout(guild, bot, member, body["communication_disabled_until"])
    if "nick" in body:
        member.nick = body["nick"] or None
    if "roles" in body:
        member.roles = list(dict.fromkeys(int(r) for r in body["roles"] or []))
    if "communication_disabled_until" in body:
        member.communication_disabled_until = body["communication_disabled_until"]
    _member_update(ctx, guild, member)
    return member_json(member)


def _check_timeout(guild: Guild, bot: Member, member: Member, until: str | None) -> None:
    P.require(guild, bot, P.MODERATE_MEMBERS)
    P.require_above_member(guild, bot, member)
    if P.base_permissions(guild, member) & P.ADMINISTRATOR:
        raise ApiError.missing_permissions()
    if until is None:
        return
    try:
        when = dt.datetime.fromisoformat(until)
    except ValueError:
        raise ApiError.invalid_form(
            "communication_disabled_until", "Invalid ISO8601 timestamp"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if when - dt.datetime.now(dt.UTC) > MAX_TIMEOUT:
        raise ApiError.invalid_form(
            "communication_disabled_until", "Timeout can be at most 28 days in the future."
        )


async def kick(ctx: Ctx) -> Any:
    """Route handler: DELETE /guilds/{guild_id}/members/{user_id} (kick)."""
    guild, bot = _guild(ctx)
    member = guild.member(ctx.id("user_id"))
    P.require(guild, bot, P.KICK_MEMBERS)
    P.require_above_member(guild, bot, member)
    _remove_member(ctx, guild, member)


async def add_role(ctx: Ctx) -> Any:
    """Route handler: PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}."""
    guild, bot = _guild(ctx)
    member = guild.member(ctx.id("user_id"))
    role = guild.role(ctx.id("role_id"))
    P.require(guild, bot, P.MANAGE_ROLES)
    P.require_above_role(guild, bot, role)
    if role.id not in member.roles:
        member.roles.append(role.id)
        _member_update(ctx, guild, member)


async def remove_role(ctx: Ctx) -> Any:
    """Route handler: DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}."""
    guild, bot = _guild(ctx)
    member = guild.member(ctx.id("user_id"))
    role = guild.role(ctx.id("role_id"))
    P.require(guild, bot, P.MANAGE_ROLES)
    P.require_above_role(guild, bot, role)
    if role.id in member.roles:
        member.roles.remove(role.id)
        _member_update(ctx, guild, member)


async def list_bans(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/bans."""
    guild, bot = _guild(ctx)
    P.require(guild, bot, P.BAN_MEMBERS)
    return [{"reason": b.reason, "user": user_json(b.user)} for b in guild.bans.values()]


async def get_ban(ctx: Ctx) -> Any:
    """Route handler: GET /guilds/{guild_id}/bans/{user_id}."""
    guild, bot = _guild(ctx)
    P.require(guild, bot, P.BAN_MEMBERS)
    ban = guild.bans.get(ctx.id("user_id"))
    if ban is None:
        raise ApiError.unknown("ban")
    return {"reason": ban.reason, "user": user_json(ban.user)}


async def ban(ctx: Ctx) -> Any:
    """Route handler: PUT /guilds/{guild_id}/bans/{user_id}."""
    guild, bot = _guild(ctx)
    user = ctx.double.world.user(ctx.id("user_id"))
    P.require(guild, bot, P.BAN_MEMBERS)
    member = guild.members.get(user.id)
    if member is not None:
        P.require_above_member(guild, bot, member)
    elif user.id == guild.owner_id:
        raise ApiError.missing_permissions()
    seconds = int((ctx.body or {}).get("delete_message_seconds", 0) or 0)
    if not 0 <= seconds <= 604800:
        raise ApiError.invalid_form("delete_message_seconds", "Must be between 0 and 604800.")
    guild.bans[user.id] = Ban(user, ctx.request.headers.get("X-Audit-Log-Reason"))
    data = {"guild_id": str(guild.id), "user": user_json(user)}
    ctx.double.gateway.dispatch("GUILD_BAN_ADD", data, guild.id)
    if member is not None:
        _remove_member(ctx, guild, member)


async def unban(ctx: Ctx) -> Any:
    """Route handler: DELETE /guilds/{guild_id}/bans/{user_id}."""
    guild, bot = _guild(ctx)
    P.require(guild, bot, P.BAN_MEMBERS)
    ban_ = guild.bans.pop(ctx.id("user_id"), None)
    if ban_ is None:
        raise ApiError.unknown("ban")
    data = {"guild_id": str(guild.id), "user": user_json(ban_.user)}
    ctx.double.gateway.dispatch("GUILD_BAN_REMOVE", data, guild.id)


async def leave_guild(ctx: Ctx) -> Any:
    """Route handler: DELETE /users/@me/guilds/{guild_id}."""
    guild = ctx.double.world.guild(ctx.id("guild_id"))
    if ctx.double.bot_user.id not in guild.members:
        raise ApiError.unknown("guild")
    if guild.owner_id == ctx.double.bot_user.id:
        raise ApiError.invalid_form("guild_id", "The owner cannot leave the guild.")
    ctx.double.remove_bot_member(guild)


_G = "/guilds/{guild_id}"
_M = _G + "/members/{user_id}"

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", _G, get_guild),
    ("GET", _G + "/channels", get_channels),
    ("GET", _G + "/roles", get_roles),
    ("GET", _G + "/members", list_members),
    ("PATCH", _G + "/members/@me", edit_member),
    ("GET", _M, get_member),
    ("PATCH", _M, edit_member),
    ("DELETE", _M, kick),
    ("PUT", _M + "/roles/{role_id}", add_role),
    ("DELETE", _M + "/roles/{role_id}", remove_role),
    ("GET", _G + "/bans", list_bans),
    ("GET", _G + "/bans/{user_id}", get_ban),
    ("PUT", _G + "/bans/{user_id}", ban),
    ("DELETE", _G + "/bans/{user_id}", unban),
    ("GET", "/users/@me/guilds", my_guilds),
    ("DELETE", "/users/@me/guilds/{guild_id}", leave_guild),
]
