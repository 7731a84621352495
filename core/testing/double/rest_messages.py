"""REST routes for channels, messages, DMs, interaction callbacks and follow-up webhooks."""

from __future__ import annotations

from typing import Any

from . import permissions as P
from .errors import ApiError
from .messaging import create_message, delete_message, edit_message
from .payloads import channel_json, rest_message_json
from .rest import Ctx, Handler
from .state import DM_CHANNEL, Channel, Guild, Message


def _access(ctx: Ctx, channel: Channel) -> Guild | None:
    """Raise 50001 unless the bot can see ``channel``; return its guild (None for DMs)."""
    d = ctx.double
    if channel.type == DM_CHANNEL:
        return None
    guild = d.world.guild(channel.guild_id or 0)
    bot = guild.members.get(d.bot_user.id)
    if bot is None or not P.channel_permissions(guild, channel, bot) & P.VIEW_CHANNEL:
        raise ApiError.missing_access()
    return guild


def _channel(ctx: Ctx) -> tuple[Channel, Guild | None]:
    channel = ctx.double.world.channel(ctx.id("channel_id"))
    return channel, _access(ctx, channel)


def _bot_perms(ctx: Ctx, guild: Guild | None, channel: Channel) -> int:
    if guild is None:
        return P.ALL_PERMISSIONS
    return P.channel_permissions(guild, channel, guild.members[ctx.double.bot_user.id])


async def get_channel(ctx: Ctx) -> Any:
    """Route handler: GET /channels/{channel_id}."""
    channel, _ = _channel(ctx)
    return channel_json(channel, ctx.double.world.users)


async def send_message(ctx: Ctx) -> Any:
    """Route handler: POST /channels/{channel_id}/messages."""
    channel, guild = _channel(ctx)
    d = ctx.double
    if guild is None:
        user = d.world.users.get(channel.recipient_ids[0]) if channel.recipient_ids else None
        if user is None or not user.accepts_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
    elif not _bot_perms(ctx, guild, channel) & P.SEND_MESSAGES:
        raise ApiError.missing_permissions()
    body = ctx.body or {}
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        original = d.nonces.original(channel.id, d.bot_user.id, nonce)
        if original is not None:  # Discord returns it and creates nothing
            return rest_message_json(original, guild)
    msg = create_message(d, channel, d.bot_user, body)
    d.nonces.remember(msg)
    return rest_message_json(msg, guild)


async def get_message(ctx: Ctx) -> Any:
    """Route handler: GET /channels/{channel_id}/messages/{message_id}."""
    channel, guild = _channel(ctx)
    if not _bot_perms(ctx, guild, channel) & P.READ_MESSAGE_HISTORY:
        raise ApiError.missing_access()
    return rest_message_json(ctx.double.world.message(channel.id, ctx.id("message_id")), guild)


async def list_messages(ctx: Ctx) -> Any:
    """Route handler: GET /channels/{channel_id}/messages."""
    channel, guild = _channel(ctx)
    if not _bot_perms(ctx, guild, channel) & P.READ_MESSAGE_HISTORY:
        return []
    limit = min(max(int(ctx.query.get("limit", 50)), 1), 100)
    msgs = [m for m in ctx.double.world.messages.get(channel.id, []) if not m.deleted]
    msgs = [m for m in msgs if not m.ephemeral]
    if "before" in ctx.query:
        msgs = [m for m in msgs if m.id < int(ctx.query["before"])]
    if "after" in ctx.query:
        after = [m for m in msgs if m.id > int(ctx.query["after"])]
        return [rest_message_json(m, guild) for m in reversed(after[:limit])]
    return [rest_message_json(m, guild) for m in reversed(msgs[-limit:])]


async def patch_message(ctx: Ctx) -> Any:
    """Route handler: PATCH /channels/{channel_id}/messages/{message_id}."""
    channel, guild = _channel(ctx)
    msg = ctx.double.world.message(channel.id, ctx.id("message_id"))
    if msg.author.id != ctx.double.bot_user.id:
        body = ctx.body or {}
        if set(body) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        if not _bot_perms(ctx, guild, channel) & P.MANAGE_MESSAGES:
            raise ApiError.missing_permissions()
    return rest_message_json(edit_message(ctx.double, msg, ctx.body or {}), guild)


async def remove_message(ctx: Ctx) -> Any:
    """Route handler: DELETE /channels/{channel_id}/messages/{message_id}."""
    channel, guild = _channel(ctx)
    msg = ctx.double.world.message(channel.id, ctx.id("message_id"))
    own = msg.author.id == ctx.double.bot_user.id
    if not own and not _bot_perms(ctx, guild, channel) & P.MANAGE_MESSAGES:
        raise ApiError.missing_permissions()
    delete_message(ctx.double, msg)


async def typing(ctx: Ctx) -> Any:
    """Route handler: POST /channels/{channel_id}/typing."""
    _channel(ctx)


async def create_dm(ctx: Ctx) -> Any:
    """Route handler: POST /users/@me/channels."""
    body = ctx.body or {}
    try:
        user = ctx.double.world.user(int(body["recipient_id"]))
    except (KeyError, ValueError):
        raise ApiError.invalid_form(
            "recipient_id", "This field is required", "BASE_TYPE_REQUIRED"
        ) from None
    chan = ctx.double.world.dm_channel(ctx.double.bot_user.id, user)
    return channel_json(chan, ctx.double.world.users)


# -- interactions & webhooks -------------------------------------------------
async def interaction_callback(ctx: Ctx) -> Any:
    """Route handler: POST /interactions/{webhook_id}/{webhook_token}/callback."""
    store = ctx.double.interactions
    handle = store.lookup(ctx.id("webhook_id"), ctx.raw("webhook_token"))
    result = store.callback(handle, ctx.body or {})
    if ctx.query.get("with_response") in ("true", "True", "1") and result is not None:
        return result
    return None


async def webhook_execute(ctx: Ctx) -> Any:
    """Route handler: POST /webhooks/{webhook_id}/{webhook_token}."""
    store = ctx.double.interactions
    handle = store.by_token(ctx.id("webhook_id"), ctx.raw("webhook_token"))
    msg = store.followup(handle, ctx.body or {})
    if ctx.query.get("wait") in ("true", "True", "1"):
        return _msg_json(ctx, msg)
    return None


def _webhook_message(ctx: Ctx) -> tuple[Any, Message]:
    store = ctx.double.interactions
    handle = store.by_token(ctx.id("webhook_id"), ctx.raw("webhook_token"))
    return handle, store.webhook_message(
        handle, ctx.request.match_info.get("message_id", "@original")
    )


async def webhook_get(ctx: Ctx) -> Any:
    """Route handler: GET /webhooks/{webhook_id}/{webhook_token}/messages/{id or @original}."""
    return _msg_json(ctx, _webhook_message(ctx)[1])


async def webhook_edit(ctx: Ctx) -> Any:
    """Route handler: PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{id|@original}."""
    handle, msg = _webhook_message(ctx)
    return _msg_json(ctx, ctx.double.interactions.edit(handle, msg, ctx.body or {}))


async def webhook_delete(ctx: Ctx) -> Any:
    """Route handler: DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{id|@original}."""
    _, msg = _webhook_message(ctx)
    delete_message(ctx.double, msg)


def _msg_json(ctx: Ctx, msg: Message) -> dict[str, Any]:
    guild = ctx.double.world.guilds.get(msg.guild_id) if msg.guild_id else None
    return rest_message_json(msg, guild)


_MSG = "/channels/{channel_id}/messages"
_WH = "/webhooks/{webhook_id}/{webhook_token}"

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/channels/{channel_id}", get_channel),
    ("GET", _MSG, list_messages),
    ("POST", _MSG, send_message),
    ("GET", _MSG + "/{message_id}", get_message),
    ("PATCH", _MSG + "/{message_id}", patch_message),
    ("DELETE", _MSG + "/{message_id}", remove_message),
    ("POST", "/channels/{channel_id}/typing", typing),
    ("POST", "/users/@me/channels", create_dm),
    ("POST", "/interactions/{webhook_id}/{webhook_token}/callback", interaction_callback),
    ("POST", _WH, webhook_execute),
    ("GET", _WH + "/messages/@original", webhook_get),
    ("PATCH", _WH + "/messages/@original", webhook_edit),
    ("DELETE", _WH + "/messages/@original", webhook_delete),
    ("GET", _WH + "/messages/{message_id}", webhook_get),
    ("PATCH", _WH + "/messages/{message_id}", webhook_edit),
    ("DELETE", _WH + "/messages/{message_id}", webhook_delete),
]
