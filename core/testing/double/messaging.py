"""Creating, editing and deleting messages (shared by REST, webhooks and the scenario API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .payloads import message_json
from .state import Message, User, iso_now

if TYPE_CHECKING:
    from .server import DiscordDouble
    from .state import Channel

MAX_CONTENT = 2000
MAX_EMBEDS = 10
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def validate_body(body: dict[str, Any], *, allow_empty: bool = False) -> None:
    """Raise Discord's 400 errors for an invalid message body."""
    content = body.get("content")
    if content is not None and not isinstance(content, str):
        raise ApiError.invalid_form("content", "Must be a string.")
    if content and len(content) > MAX_CONTENT:
        raise ApiError.invalid_form(
            "content", f"Must be {MAX_CONTENT} or fewer in length.", "BASE_TYPE_MAX_LENGTH"
        )
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise ApiError.invalid_form("embeds", "Must be 10 or fewer in length.")
    has_payload = content or embeds or body.get("components") or body.get("attachments")
    if not allow_empty and not has_payload and not body.get("poll"):
        raise ApiError.empty_message()


def create_message(
    double: DiscordDouble,
    channel: Channel,
    author: User,
    body: dict[str, Any],
    **extra: Any,
) -> Message:
    """Build a message from a JSON body, store it, dispatch MESSAGE_CREATE, return it."""
    validate_body(body, allow_empty=extra.pop("allow_empty", False))
    msg = Message(
        id=double.ids.next(),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author=author,
        content=body.get("content") or "",
        embeds=list(body.get("embeds") or []),
        components=list(body.get("components") or []),
        flags=int(body.get("flags") or 0),
        tts=bool(body.get("tts", False)),
        allowed_mentions=body.get("allowed_mentions"),
        message_reference=_reference(double, channel, body.get("message_reference")),
        attachments=list(body.get("attachments") or []),
        nonce=body.get("nonce"),
        **extra,
    )
    if msg.message_reference is not None:
        msg.type = 19
    double.world.add_message(msg)
    if author.id == double.bot_user.id and not msg.flags & LOADING:
        double.bot_messages.push(msg)
    if not msg.ephemeral:
        dispatch_message(double, "MESSAGE_CREATE", msg)
    return msg


def _reference(
    double: DiscordDouble, channel: Channel, ref: dict[str, Any] | None
) -> dict[str, Any] | None:
    if not ref:
        return None
    message_id = int(ref["message_id"])
    if double.world.find_message(message_id) is None and ref.get("fail_if_not_exists", True):
        raise ApiError.invalid_form(
            "message_reference", "Unknown message", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE"
        )
    out = {"message_id": str(message_id), "channel_id": str(channel.id), "type": 0}
    if channel.guild_id is not None:
        out["guild_id"] = str(channel.guild_id)
    return out


def edit_message(double: DiscordDouble, msg: Message, body: dict[str, Any]) -> Message:
    """Apply a PATCH body to ``msg`` and dispatch MESSAGE_UPDATE."""
    if "content" in body or "embeds" in body:
        validate_body({**_as_body(msg), **body}, allow_empty=True)
    if "content" in body:
        msg.content = body["content"] or ""
    if "embeds" in body:
        msg.embeds = list(body["embeds"] or [])
    if "components" in body:
        msg.components = list(body["components"] or [])
    if "flags" in body and body["flags"] is not None:
        msg.flags = (msg.flags & EPHEMERAL) | int(body["flags"])
    if "allowed_mentions" in body:
        msg.allowed_mentions = body["allowed_mentions"]
    if "attachments" in body:
        msg.attachments = list(body["attachments"] or [])
    msg.edited_timestamp = iso_now()
    if not msg.ephemeral:
        dispatch_message(double, "MESSAGE_UPDATE", msg)
    return msg


def delete_message(double: DiscordDouble, msg: Message) -> None:
    """Mark ``msg`` deleted and dispatch MESSAGE_DELETE."""
    msg.deleted = True
    if msg.ephemeral:
        return
    data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
    if msg.guild_id is not None:
        data["guild_id"] = str(msg.guild_id)
    double.gateway.dispatch("MESSAGE_DELETE", data, msg.guild_id)


def dispatch_message(double: DiscordDouble, event: str, msg: Message) -> None:
    """Dispatch a MESSAGE_CREATE/UPDATE for ``msg`` to the shard owning its guild."""
    guild = double.world.guilds.get(msg.guild_id) if msg.guild_id else None
    double.gateway.dispatch(event, message_json(msg, guild), msg.guild_id)


def _as_body(msg: Message) -> dict[str, Any]:
    return {"content": msg.content, "embeds": msg.embeds, "components": msg.components}
