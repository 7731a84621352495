"""Interactions: INTERACTION_CREATE payloads, callbacks, follow-ups and handles for tests.

Timing follows Discord: the initial callback must arrive within
``config.interaction_timeout`` by ``config.clock`` (Discord: 3 s; the double's default is a
generous 30 s, tests about the deadline opt in to 3 s), or the callback gets 404/10062;
a second callback gets 400/40060; follow-ups need an acknowledged interaction (else
404/10015) and the token stays valid for 15 minutes.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ApiError
from .messaging import EPHEMERAL, create_message, edit_message
from .payloads import (
    app_permissions,
    interaction_channel_json,
    interaction_member_json,
    message_json,
    rest_message_json,
    user_json,
)
from .recording import Waiters
from .state import Channel, Guild, Member, Message, User

if TYPE_CHECKING:
    from .server import DiscordDouble

LOADING = 1 << 7
TOKEN_LIFETIME = 15 * 60
_VISIBLE_KINDS = ("message", "update", "edit_original", "followup", "edit_followup")


@dataclass
class InteractionReply:
    """Something the bot showed the user in response to an interaction."""

    kind: str  # message | update | edit_original | followup | edit_followup
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int
    message: Message | None
    callback_type: int | None = None

    @property
    def ephemeral(self) -> bool:
        """Whether the reply is only visible to the invoking user."""
        return bool(self.flags & EPHEMERAL)


@dataclass
class Modal:
    """A modal the bot opened (callback type 9)."""

    custom_id: str
    title: str
    components: list[dict[str, Any]]


@dataclass
class InteractionHandle:
    """A dispatched interaction; await the bot's answers through it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    guild: Guild | None
    channel: Channel
    user: User
    message: Message | None = None
    created_at: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: Modal | None = None
    autocomplete_choices: list[dict[str, Any]] | None = None
    _replies: Waiters[InteractionReply] = field(default_factory=Waiters)
    _callbacks: Waiters[int] = field(default_factory=Waiters)

    @property
    def acknowledged(self) -> bool:
        """Whether the bot answered the initial callback."""
        return self.callback_type is not None

    @property
    def deferred(self) -> bool:
        """Whether the initial callback was a deferral (type 5 or 6)."""
        return self.callback_type in (5, 6)

    @property
    def replies(self) -> list[InteractionReply]:
        """Everything shown so far (callback message, edits, follow-ups) in order."""
        return self._replies.items

    async def wait_response(self, timeout: float = 5.0) -> InteractionReply:  # noqa: ASYNC109
        """Wait for the next visible answer (callback message/update, @original edit, follow-up)."""
        return await self._replies.wait(lambda r: r.kind in _VISIBLE_KINDS, timeout)

    async def wait_followup(self, timeout: float = 5.0) -> InteractionReply:  # noqa: ASYNC109
        """Wait for the next follow-up message."""
        return await self._replies.wait(lambda r: r.kind == "followup", timeout)

    async def wait_callback(self, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        """Wait for the initial callback and return its type (4, 5, 6, 7, 8, 9)."""
        return await self._callbacks.wait(lambda _: True, timeout)

    async def wait_modal(self, timeout: float = 5.0) -> Modal:  # noqa: ASYNC109
        """Wait for a modal (callback type 9)."""
        await self._callbacks.wait(lambda t: t == 9, timeout)
        assert self.modal is not None
        return self.modal

    def _reply(self, kind: str, msg: Message | None, ctype: int | None = None) -> None:
        if msg is None:
            self._replies.push(InteractionReply(kind, "", [], [], 0, None, ctype))
            return
        reply = InteractionReply(
            kind, msg.content, list(msg.embeds), list(msg.components), msg.flags, msg, ctype
        )
        self._replies.push(reply)


class InteractionStore:
    """All interactions the double dispatched, and the callback/webhook logic."""

    def __init__(self, double: DiscordDouble) -> None:
        self.double = double
        self.handles: dict[int, InteractionHandle] = {}

    def create(
        self,
        *,
        type: int,
        data: dict[str, Any],
        guild: Guild | None,
        channel: Channel,
        user: User,
        message: Message | None = None,
    ) -> InteractionHandle:
        """Build and dispatch an INTERACTION_CREATE; return the handle to await answers."""
        d = self.double
        member: Member | None = guild.members.get(user.id) if guild else None
        if guild is not None and member is None:
            raise ValueError(f"{user.username} is not a member of {guild.name}")
        handle = InteractionHandle(
            id=d.ids.next(),
            token=f"itk.{secrets.token_urlsafe(24)}",
            type=type,
            payload={},
            guild=guild,
            channel=channel,
            user=user,
            message=message,
            created_at=d.config.clock(),
        )
        payload: dict[str, Any] = {
            "id": str(handle.id),
            "application_id": str(d.application_id),
            "type": type,
            "data": data,
            "token": handle.token,
            "version": 1,
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": 26_214_400,
            "channel": interaction_channel_json(channel, guild, member),
            "channel_id": str(channel.id),
            "app_permissions": app_permissions(guild, channel, d.bot_user.id),
        }
        if guild is not None and member is not None:
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {
                        "id": str(guild.id), "locale": guild.preferred_locale, "features": [],
                    },
                    "guild_locale": guild.preferred_locale,
                    "member": interaction_member_json(guild, member, channel),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {"user": user_json(user), "authorizing_integration_owners": {"1": str(user.id)}}
            )
            payload["context"] = 1
        if message is not None:
            payload["message"] = message_json(message, guild)
        handle.payload = payload
        self.handles[handle.id] = handle
        d.gateway.dispatch("INTERACTION_CREATE", payload, guild.id if guild else None)
        return handle

    # -- lookups -----------------------------------------------------------
    def lookup(self, interaction_id: int, token: str) -> InteractionHandle:
        """The handle for a callback URL (404/10062 when unknown)."""
        handle = self.handles.get(interaction_id)
        if handle is None or handle.token != token:
            raise ApiError.unknown("interaction")
        return handle

    def by_token(self, application_id: int, token: str) -> InteractionHandle:
        """The handle for a follow-up webhook URL (404/10015 when unknown or expired)."""
        if application_id == self.double.application_id:
            for handle in self.handles.values():
                if handle.token == token:
                    if self.double.config.clock() - handle.created_at > TOKEN_LIFETIME:
                        break
                    return handle
        raise ApiError.unknown("webhook")

    def webhook_message(self, handle: InteractionHandle, message_id: str) -> Message:
        """``@original`` or a follow-up message of this interaction (404/10008)."""
        if message_id == "@original":
            msg = handle.original
        else:
            msg = next((m for m in handle.followups if str(m.id) == message_id), None)
        if msg is None or msg.deleted:
            raise ApiError.unknown("message")
        return msg

    # -- callbacks ---------------------------------------------------------
    def callback(self, handle: InteractionHandle, body: dict[str, Any]) -> dict[str, Any] | None:
        """Apply an initial interaction response; returns the ``with_response`` body."""
        if handle.acknowledged:
            raise ApiError.already_acknowledged()
        if self.double.config.clock() - handle.created_at > self.double.config.interaction_timeout:
            raise ApiError.unknown("interaction")
        ctype = body.get("type")
        data = body.get("data") or {}
        msg: Message | None = None
        if ctype == 4:
            msg = self._original(handle, data, 0)
            handle._reply("message", msg, 4)
        elif ctype == 5:
            msg = self._original(handle, {"flags": data.get("flags", 0)}, LOADING)
        elif ctype in (6, 7) and handle.message is None:
            raise ApiError(400, 40063, "Interaction type does not support this callback type.")
        elif ctype == 7:
            assert handle.message is not None
            msg = edit_message(self.double, handle.message, data)
            handle._reply("update", msg, 7)
        elif ctype == 8:
            handle.autocomplete_choices = list(data.get("choices") or [])
        elif ctype == 9:
            handle.modal = Modal(
                data.get("custom_id", ""), data.get("title", ""), data.get("components", [])
            )
        elif ctype != 6:
            raise ApiError.invalid_form("type", "Value must be one of {4, 5, 6, 7, 8, 9}.")
        handle.callback_type = ctype
        handle._callbacks.push(int(ctype))
        result: dict[str, Any] = {"interaction": {"id": str(handle.id), "type": handle.type}}
        if msg is not None:
            result["resource"] = {"type": ctype, "message": self._json(msg)}
        return result

    def _original(self, handle: InteractionHandle, data: dict[str, Any], extra: int) -> Message:
        d = self.double
        body = {**data, "flags": int(data.get("flags") or 0) | extra}
        msg = create_message(
            d,
            handle.channel,
            d.bot_user,
            body,
            allow_empty=bool(extra),
            webhook_id=d.application_id,
            application_id=d.application_id,
            interaction=self._metadata(handle),
        )
        handle.original = msg
        return msg

    def _metadata(self, handle: InteractionHandle) -> dict[str, Any]:
        owners = handle.payload.get("authorizing_integration_owners", {})
        return {
            "id": str(handle.id),
            "type": handle.type,
            "user": user_json(handle.user),
            "authorizing_integration_owners": owners,
        }

    def followup(self, handle: InteractionHandle, body: dict[str, Any]) -> Message:
        """Create a follow-up message (requires an acknowledged interaction)."""
        if not handle.acknowledged:
            raise ApiError.unknown("webhook")
        d = self.double
        msg = create_message(
            d,
            handle.channel,
            d.bot_user,
            body,
            webhook_id=d.application_id,
            application_id=d.application_id,
            interaction=self._metadata(handle),
        )
        handle.followups.append(msg)
        handle._reply("followup", msg)
        return msg

    def edit(self, handle: InteractionHandle, msg: Message, body: dict[str, Any]) -> Message:
        """Edit @original or a follow-up; a deferred @original stops "thinking"."""
        msg.flags &= ~LOADING
        edit_message(self.double, msg, body)
        kind = "edit_original" if msg is handle.original else "edit_followup"
        handle._reply(kind, msg)
        return msg

    def _json(self, msg: Message) -> dict[str, Any]:
        guild = self.double.world.guilds.get(msg.guild_id) if msg.guild_id else None
        return rest_message_json(msg, guild)
