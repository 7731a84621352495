"""The double's world model: users, guilds, roles, channels, members, messages, commands."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError
from .ids import SnowflakeGenerator, shard_for

TEXT_CHANNEL = 0
DM_CHANNEL = 1
VOICE_CHANNEL = 2
CATEGORY_CHANNEL = 4


def iso_now() -> str:
    """Return the current UTC time as an ISO-8601 string like Discord sends."""
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass(slots=True)
class User:
    """A Discord user (human or bot)."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None
    accepts_dms: bool = True
    locale: str = "en-US"  # the client's language, sent in the user's interactions

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention string."""
        return f"<@{self.id}>"


@dataclass(slots=True)
class Role:
    """A guild role; the @everyone role has the guild's id and position 0."""

    id: int
    guild_id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        """The ``<@&id>`` mention string."""
        return f"<@&{self.id}>"


@dataclass(slots=True)
class Overwrite:
    """A channel permission overwrite (type 0 = role, 1 = member)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(slots=True)
class Channel:
    """A guild text/voice/category channel or a DM channel."""

    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    overwrites: list[Overwrite] = field(default_factory=list)
    recipient_ids: list[int] = field(default_factory=list)
    last_message_id: int | None = None

    @property
    def mention(self) -> str:
        """The ``<#id>`` mention string."""
        return f"<#{self.id}>"


@dataclass(slots=True)
class Member:
    """A user's membership in a guild."""

    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)
    communication_disabled_until: str | None = None
    pending: bool = False  # has not passed membership screening yet

    @property
    def id(self) -> int:
        """The member's user id."""
        return self.user.id

    @property
    def mention(self) -> str:
        """The ``<@id>`` mention string."""
        return self.user.mention


@dataclass(slots=True)
class Ban:
    """A guild ban."""

    user: User
    reason: str | None = None


@dataclass(slots=True)
class Guild:
    """A guild with its roles, channels, members and bans."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bans: dict[int, Ban] = field(default_factory=dict)
    bot_role_id: int | None = None
    icon: str | None = None  # icon hash on the CDN
    preferred_locale: str = "en-US"  # the community's language (GUILD_UPDATE on change)

    @property
    def everyone_role(self) -> Role:
        """The @everyone role (same id as the guild)."""
        return self.roles[self.id]

    @property
    def bot_role(self) -> Role | None:
        """The bot's managed role, if it has one."""
        return self.roles.get(self.bot_role_id) if self.bot_role_id else None

    @property
    def text_channels(self) -> list[Channel]:
        """Text channels ordered by position."""
        chans = [c for c in self.channels.values() if c.type == TEXT_CHANNEL]
        return sorted(chans, key=lambda c: (c.position, c.id))

    @property
    def owner(self) -> Member:
        """The owner's member object."""
        return self.members[self.owner_id]

    def member(self, user_id: int) -> Member:
        """Return a member or raise 404 Unknown Member."""
        try:
            return self.members[user_id]
        except KeyError:
            raise ApiError.unknown("member") from None

    def role(self, role_id: int) -> Role:
        """Return a role or raise 404 Unknown Role."""
        try:
            return self.roles[role_id]
        except KeyError:
            raise ApiError.unknown("role") from None


@dataclass(slots=True)
class Message:
    """A message in a channel (sent by a member via the scenario API or by the bot)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    tts: bool = False
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    allowed_mentions: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    type: int = 0
    nonce: int | str | None = None  # echoed back as sent (POST /channels/{id}/messages)

    @property
    def ephemeral(self) -> bool:
        """Whether the EPHEMERAL flag (64) is set."""
        return bool(self.flags & 64)

    def custom_ids(self) -> list[str]:
        """All component custom_ids in this message (rows and nested components)."""
        found: list[str] = []
        stack = list(self.components)
        while stack:
            comp = stack.pop(0)
            if "custom_id" in comp:
                found.append(comp["custom_id"])
            stack.extend(comp.get("components", []))
        return found

    def component(self, custom_id: str) -> dict[str, Any] | None:
        """Return the component dict with ``custom_id`` or None."""
        stack = list(self.components)
        while stack:
            comp = stack.pop(0)
            if comp.get("custom_id") == custom_id:
                return comp
            stack.extend(comp.get("components", []))
        return None


@dataclass(slots=True)
class Command:
    """A registered application command (global when ``guild_id`` is None)."""

    id: int
    application_id: int
    guild_id: int | None
    data: dict[str, Any]
    version: int

    @property
    def name(self) -> str:
        """The command name."""
        return str(self.data["name"])

    @property
    def type(self) -> int:
        """1 = slash, 2 = user, 3 = message."""
        return int(self.data.get("type", 1))


class World:
    """All objects the double knows about, indexed by id."""

    def __init__(self, ids: SnowflakeGenerator) -> None:
        self.ids = ids
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, list[Message]] = {}
        self.commands: dict[int, Command] = {}
        # guild ids by shard, per shard count (guilds are only ever added to ``guilds``)
        self._by_shard: dict[int, tuple[int, dict[int, list[int]]]] = {}

    def guilds_on_shard(self, shard_id: int, shard_count: int) -> list[Guild]:
        """The guilds whose events go to ``shard_id`` of ``shard_count``, in creation order,
        found through an index kept per shard count (an IDENTIFY at 100,000 guilds does not
        scan them all)."""
        indexed, index = self._by_shard.get(shard_count, (0, {}))
        if indexed > len(self.guilds):  # something removed guilds: start over
            indexed, index = 0, {}
        if indexed < len(self.guilds):
            for guild_id in itertools.islice(self.guilds, indexed, None):
                index.setdefault(shard_for(guild_id, shard_count), []).append(guild_id)
            self._by_shard[shard_count] = (len(self.guilds), index)
        return [self.guilds[i] for i in index.get(shard_id, ())]

    def user(self, user_id: int) -> User:
        """Return a user or raise 404 Unknown User."""
        try:
            return self.users[user_id]
        except KeyError:
            raise ApiError.unknown("user") from None

    def guild(self, guild_id: int) -> Guild:
        """Return a guild or raise 404 Unknown Guild."""
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise ApiError.unknown("guild") from None

    def channel(self, channel_id: int) -> Channel:
        """Return a channel or raise 404 Unknown Channel."""
        try:
            return self.channels[channel_id]
        except KeyError:
            raise ApiError.unknown("channel") from None

    def message(self, channel_id: int, message_id: int) -> Message:
        """Return a live message or raise 404 Unknown Message."""
        for msg in self.messages.get(channel_id, []):
            if msg.id == message_id and not msg.deleted:
                return msg
        raise ApiError.unknown("message")

    def find_message(self, message_id: int) -> Message | None:
        """Find a message by id in any channel."""
        for msgs in self.messages.values():
            for msg in msgs:
                if msg.id == message_id:
                    return msg
        return None

    def add_message(self, msg: Message) -> None:
        """Store a message and bump the channel's last_message_id."""
        self.messages.setdefault(msg.channel_id, []).append(msg)
        chan = self.channels.get(msg.channel_id)
        if chan is not None:
            chan.last_message_id = msg.id

    def commands_for(self, application_id: int, guild_id: int | None) -> list[Command]:
        """Commands registered globally (guild_id None) or for one guild."""
        return [
            c
            for c in self.commands.values()
            if c.application_id == application_id and c.guild_id == guild_id
        ]

    def dm_channel(self, bot_id: int, user: User) -> Channel:
        """Return (creating if needed) the DM channel between the bot and ``user``."""
        for chan in self.channels.values():
            if chan.type == DM_CHANNEL and chan.recipient_ids == [user.id]:
                return chan
        chan = Channel(id=self.ids.next(), type=DM_CHANNEL, name=None, recipient_ids=[user.id])
        self.channels[chan.id] = chan
        return chan
