"""The test-author API: act as members, trigger interactions, inject gateway faults, wait.

World building (guilds, channels, roles, members) comes from
:class:`~core.testing.double.builders.WorldBuilderMixin`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .builders import WorldBuilderMixin
from .invoke import Resolved, context_menu_data, slash_data
from .messaging import create_message
from .payloads import message_json
from .recording import RecordedRequest, RequestLog, Waiters
from .state import Channel, Command, Guild, Member, Message, User

if TYPE_CHECKING:
    from .interactions import InteractionHandle, InteractionStore
    from .uploads import Upload


class ScenarioMixin(WorldBuilderMixin):
    """Async actions and waits used by tests (mixed into ``DiscordDouble``)."""

    interactions: InteractionStore
    requests: RequestLog
    bot_messages: Waiters[Message]
    application_id: int
    uploads: dict[int, Upload]

    # -- acting as members -------------------------------------------------
    async def send_message(
        self,
        channel: Channel,
        author: Member | User,
        content: str = "",
        *,
        embeds: list[dict[str, Any]] | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """Post a message as ``author`` and dispatch MESSAGE_CREATE to the owning shard."""
        user = author.user if isinstance(author, Member) else author
        if (
            channel.guild_id is not None
            and user.id not in self.world.guild(channel.guild_id).members
        ):
            raise ValueError(f"{user.username} is not a member of the channel's guild")
        body: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            body["message_reference"] = {"message_id": reply_to.id}
        msg = create_message(self, channel, user, body)  # type: ignore[arg-type]
        await asyncio.sleep(0)
        return msg

    async def send_dm(self, user: User | Member, content: str) -> Message:
        """Send a DM from ``user`` to the bot (routed to shard 0)."""
        plain = user.user if isinstance(user, Member) else user
        channel = self.world.dm_channel(self.bot_user.id, plain)
        return await self.send_message(channel, plain, content)

    async def member_join(self, guild: Guild, user: User | str = "member", **kw: Any) -> Member:
        """A user joins ``guild`` (GUILD_MEMBER_ADD)."""
        member = self.add_member(guild, user, **kw)
        await asyncio.sleep(0)
        return member

    async def member_leave(self, guild: Guild, member: Member) -> None:
        """A member leaves ``guild`` (GUILD_MEMBER_REMOVE)."""
        self.remove_member(guild, member)
        await asyncio.sleep(0)

    async def add_bot_to_guild(self, guild: Guild, permissions: int | None = None) -> Member:
        """The bot is invited to ``guild`` (GUILD_CREATE)."""
        member = self.add_bot(guild) if permissions is None else self.add_bot(guild, permissions)
        await asyncio.sleep(0)
        return member

    async def remove_bot_from_guild(self, guild: Guild) -> None:
        """The bot is kicked from ``guild`` (GUILD_DELETE)."""
        self.remove_bot_member(guild)
        await asyncio.sleep(0)

    # -- interactions ------------------------------------------------------
    def find_command(self, name: str, guild: Guild | None = None, type: int = 1) -> Command | None:
        """A registered command by name: the guild's first, then global."""
        scopes = ([guild.id] if guild else []) + [None]
        for scope in scopes:
            for cmd in self.world.commands_for(self.application_id, scope):
                if cmd.name == name and cmd.type == type:
                    return cmd
        return None

    async def wait_for_command(
        self,
        name: str,
        guild: Guild | None = None,
        *,
        type: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Command:
        """Wait until the bot has registered command ``name`` (bulk PUT or POST)."""
        deadline = time.monotonic() + timeout
        while True:
            cmd = self.find_command(name, guild, type)
            if cmd is not None:
                return cmd
            if time.monotonic() > deadline:
                known = sorted(c.name for c in self.world.commands.values())
                raise LookupError(f"command {name!r} not registered; registered: {known}")
            await asyncio.sleep(0.02)

    async def invoke_slash(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        register_timeout: float = 5.0,
    ) -> InteractionHandle:
        """Invoke slash command ``name`` (``"group sub"`` for subcommands) as ``member``.

        Option values may be plain values or User/Member/Role/Channel objects (or ids)
        for user/role/channel/mentionable options; ``resolved`` is filled accordingly.
        """
        root, *path = name.split()
        cmd = await self.wait_for_command(root, guild, timeout=register_timeout)
        user = member.user if isinstance(member, Member) else member
        invoker = guild.members.get(user.id) if guild else None
        data = slash_data(
            cmd, path, options or {}, guild, self.world.users, self.world.channels, invoker
        )
        return await self._interact(2, data, guild, channel, user)

    async def invoke_autocomplete(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        focused: str,
        options: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Type into option ``focused`` of slash command ``name`` (``options`` holds what is
        typed so far); return the choices the bot suggested (``[{"name", "value"}]``)."""
        root, *path = name.split()
        cmd = await self.wait_for_command(root, guild)
        user = member.user if isinstance(member, Member) else member
        invoker = guild.members.get(user.id) if guild else None
        data = slash_data(
            cmd, path, options, guild, self.world.users, self.world.channels, invoker,
            validate=False,  # what is typed so far; Discord checks it on submission
        )
        level = data["options"]
        while level and level[0]["type"] in (1, 2):  # into the subcommand's options
            level = level[0]["options"]
        for option in level:
            option["focused"] = option["name"] == focused
        handle = await self._interact(4, data, guild, channel, user)
        await handle.wait_callback()
        return list(handle.autocomplete_choices or [])

    async def invoke_user_command(
        self, guild: Guild, channel: Channel, member: Member, name: str, target: Member | User
    ) -> InteractionHandle:
        """Invoke user context-menu command ``name`` on ``target``."""
        cmd = await self.wait_for_command(name, guild, type=2)
        resolved = Resolved(guild)
        target_user = target.user if isinstance(target, Member) else target
        resolved.user(target_user)
        data = context_menu_data(cmd, target_user.id, resolved)
        return await self._interact(2, data, guild, channel, member.user)

    async def invoke_message_command(
        self, guild: Guild, channel: Channel, member: Member, name: str, message: Message
    ) -> InteractionHandle:
        """Invoke message context-menu command ``name`` on ``message``."""
        cmd = await self.wait_for_command(name, guild, type=3)
        resolved = Resolved(guild)
        resolved.data["messages"] = {str(message.id): message_json(message, guild)}
        data = context_menu_data(cmd, message.id, resolved)
        return await self._interact(2, data, guild, channel, member.user)

    async def press_button(
        self, message: Message, custom_id: str, member: Member | User | None = None
    ) -> InteractionHandle:
        """Click the button ``custom_id`` on a bot message (component interaction)."""
        return await self._component(message, custom_id, member, {"component_type": 2})

    async def choose(
        self,
        message: Message,
        custom_id: str,
        values: list[str],
        member: Member | User | None = None,
    ) -> InteractionHandle:
        """Pick ``values`` in the string select ``custom_id`` on a bot message."""
        return await self._component(
            message, custom_id, member, {"component_type": 3, "values": values}
        )

    async def submit_modal(
        self, handle: InteractionHandle, values: dict[str, str]
    ) -> InteractionHandle:
        """Submit the modal opened in answer to ``handle`` with text input ``values``."""
        modal = handle.modal
        if modal is None:
            raise ValueError("the bot did not open a modal for this interaction")
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ]
        data = {"custom_id": modal.custom_id, "components": rows}
        return await self._interact(5, data, handle.guild, handle.channel, handle.user)

    async def _component(
        self, message: Message, custom_id: str, member: Member | User | None, extra: dict[str, Any]
    ) -> InteractionHandle:
        if message.component(custom_id) is None:
            raise ValueError(f"no component {custom_id!r}; message has {message.custom_ids()}")
        guild = self.world.guilds.get(message.guild_id) if message.guild_id else None
        user = self._component_user(message, guild, member)
        channel = self.world.channel(message.channel_id)
        data = {"custom_id": custom_id, **extra}
        return await self._interact(3, data, guild, channel, user, message)

    def _component_user(
        self, message: Message, guild: Guild | None, member: Member | User | None
    ) -> User:
        if isinstance(member, Member):
            return member.user
        if member is not None:
            return member
        if message.interaction is not None:
            return self.world.user(int(message.interaction["user"]["id"]))
        if guild is not None:
            return guild.owner.user
        raise ValueError("pass member= for DM components")

    async def _interact(
        self,
        type: int,
        data: dict[str, Any],
        guild: Guild | None,
        channel: Channel,
        user: User,
        message: Message | None = None,
    ) -> InteractionHandle:
        handle = self.interactions.create(
            type=type, data=data, guild=guild, channel=channel, user=user, message=message
        )
        await asyncio.sleep(0)
        return handle

    # -- gateway faults ----------------------------------------------------
    async def drop_shard(self, shard_id: int, code: int | None = None) -> int:
        """Kill shard ``shard_id``'s socket without a close frame (or with ``code``); it RESUMEs."""
        return await self.gateway.drop(shard_id, code)

    async def hold_shard(self, shard_id: int) -> int:
        """Take shard ``shard_id`` down until :meth:`release_shard` (reconnects go unanswered)."""
        return await self.gateway.hold(shard_id)

    async def release_shard(self, shard_id: int) -> int:
        """Let a held shard reconnect (it RESUMEs, or IDENTIFYs when the session expired)."""
        return await self.gateway.release(shard_id)

    async def send_reconnect(self, shard_id: int) -> int:
        """Send opcode 7 RECONNECT to a shard."""
        sent = self.gateway.send_op(shard_id, 7)
        await asyncio.sleep(0)
        return sent

    async def invalidate_session(self, shard_id: int, resumable: bool = False) -> int:
        """Send opcode 9 INVALID_SESSION (``d=resumable``) to a shard."""
        sent = self.gateway.send_op(shard_id, 9, resumable)
        await asyncio.sleep(0)
        return sent

    # -- reading what the bot did ------------------------------------------
    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The content of a file the bot uploaded (an entry of ``Message.attachments``)."""
        return self.uploads[int(attachment["id"])].data

    def messages_in(self, channel: Channel, *, include_deleted: bool = False) -> list[Message]:
        """All messages in ``channel`` (members' and the bot's), oldest first."""
        msgs = self.world.messages.get(channel.id, [])
        return [m for m in msgs if include_deleted or not m.deleted]

    async def wait_for_message(
        self,
        channel: Channel | None = None,
        *,
        check: Callable[[Message], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Message:
        """Wait for a message the bot sent (REST or interaction), optionally in ``channel``.

        Messages sent earlier count too, but each is returned by one wait only.
        """

        def pred(msg: Message) -> bool:
            if channel is not None and msg.channel_id != channel.id:
                return False
            return check is None or check(msg)

        return await self.bot_messages.wait(pred, timeout)

    async def wait_for_request(
        self,
        method: str | None = None,
        route: str | None = None,
        *,
        path: str | None = None,
        check: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """Wait for a completed REST request (route = disnake template, e.g. ``/users/@me``)."""
        return await self.requests.wait_for(method, route, path=path, check=check, timeout=timeout)

    async def wait_for_sessions(self, count: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until ``count`` gateway sessions are connected."""
        deadline = time.monotonic() + timeout
        while sum(1 for s in self.gateway.live_sessions() if s.conn is not None) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {count} sessions connected")
            await asyncio.sleep(0.02)
