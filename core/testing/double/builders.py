"""Synchronous world building for tests: users, guilds, roles, channels, members."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import permissions as P
from .ids import SnowflakeGenerator
from .payloads import channel_json, guild_json, member_json, role_json, user_json
from .state import TEXT_CHANNEL, Channel, Guild, Member, Overwrite, Role, User, World

if TYPE_CHECKING:
    from .gateway import Gateway
    from .server import DoubleConfig


class WorldBuilderMixin:
    """Creates objects in the world; dispatches gateway events when the bot can see them."""

    ids: SnowflakeGenerator
    world: World
    gateway: Gateway
    bot_user: User
    config: DoubleConfig

    # -- users & guilds ----------------------------------------------------
    def create_user(
        self,
        username: str = "user",
        *,
        id: int | None = None,
        bot: bool = False,
        accepts_dms: bool = True,
        global_name: str | None = None,
        locale: str = "en-US",
    ) -> User:
        """Create a user that is not (yet) in any guild; ``locale`` is their client's
        language (Discord's name: ``de``, ``pt-BR``), sent in their interactions."""
        user = User(
            id=id or self.ids.next(),
            username=username,
            bot=bot,
            accepts_dms=accepts_dms,
            global_name=global_name,
            locale=locale,
        )
        self.world.users[user.id] = user
        return user

    def create_guild(
        self,
        name: str = "Test Guild",
        owner: User | str | None = None,
        *,
        id: int | None = None,
        shard: int | None = None,
        bot_permissions: int = P.DEFAULT_BOT,
        everyone_permissions: int = P.DEFAULT_EVERYONE,
        with_bot: bool = True,
        channels: Iterable[str] = ("general",),
        preferred_locale: str = "en-US",
    ) -> Guild:
        """Create a guild with an @everyone role, an owner, text channels and (by default) the bot.

        ``shard`` picks an id that routes to that shard of ``config.shard_count``;
        ``bot_permissions`` go on the bot's managed role, which sits above roles
        created later with :meth:`create_role` (unless given an explicit position).
        """
        if id is None:
            id = (
                self.ids.for_shard(shard, self.config.shard_count)
                if shard is not None
                else self.ids.next()
            )
        owner_user = (
            owner if isinstance(owner, User) else self.create_user(owner or f"{name}-owner")
        )
        guild = Guild(
            id=id, name=name, owner_id=owner_user.id, preferred_locale=preferred_locale
        )
        guild.roles[id] = Role(
            id=id, guild_id=id, name="@everyone", permissions=everyone_permissions, position=0
        )
        self.world.guilds[id] = guild
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=id)
        for position, channel_name in enumerate(channels):
            self.create_channel(guild, channel_name, position=position)
        if with_bot:
            self._join_bot(guild, bot_permissions)
        return guild

    def _join_bot(self, guild: Guild, permissions: int) -> Member:
        role = guild.bot_role
        if role is None:
            top = max(r.position for r in guild.roles.values())
            role = Role(
                id=self.ids.next(),
                guild_id=guild.id,
                name=self.bot_user.username,
                permissions=permissions,
                position=top + 1,
                managed=True,
                bot_id=self.bot_user.id,
            )
            guild.roles[role.id] = role
            guild.bot_role_id = role.id
        else:
            role.permissions = permissions
        member = Member(user=self.bot_user, guild_id=guild.id, roles=[role.id])
        guild.members[self.bot_user.id] = member
        return member

    def bot_guilds(self) -> list[Guild]:
        """Guilds the bot is currently a member of."""
        return [g for g in self.world.guilds.values() if self.bot_user.id in g.members]

    def bot_member(self, guild: Guild) -> Member:
        """The bot's member object in ``guild``."""
        return guild.members[self.bot_user.id]

    def _visible(self, guild: Guild) -> bool:
        return self.bot_user.id in guild.members

    # -- channels & roles --------------------------------------------------
    def create_channel(
        self,
        guild: Guild,
        name: str,
        *,
        type: int = TEXT_CHANNEL,
        id: int | None = None,
        position: int | None = None,
        topic: str | None = None,
        parent: Channel | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        """Create a guild channel (dispatches CHANNEL_CREATE if the bot is in the guild)."""
        chan = Channel(
            id=id or self.ids.next(),
            type=type,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels) if position is None else position,
            topic=topic,
            parent_id=parent.id if parent else None,
            overwrites=list(overwrites),
        )
        guild.channels[chan.id] = chan
        self.world.channels[chan.id] = chan
        if self._visible(guild):
            self.gateway.dispatch("CHANNEL_CREATE", channel_json(chan), guild.id)
        return chan

    def set_overwrite(
        self, channel: Channel, target: Role | Member, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set a permission overwrite for a role or member (dispatches CHANNEL_UPDATE)."""
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites = [o for o in channel.overwrites if o.id != target.id]
        channel.overwrites.append(Overwrite(target.id, kind, allow, deny))
        guild = self.world.guilds.get(channel.guild_id or 0)
        if guild is not None and self._visible(guild):
            self.gateway.dispatch("CHANNEL_UPDATE", channel_json(channel), guild.id)

    def create_role(
        self,
        guild: Guild,
        name: str,
        *,
        permissions: int = 0,
        position: int | None = None,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
        id: int | None = None,
    ) -> Role:
        """Create a role; by default placed just below the bot's role (others shift up)."""
        if position is None:
            bot_role = guild.bot_role
            position = (
                bot_role.position if bot_role else 1 + max(r.position for r in guild.roles.values())
            )
        position = max(position, 1)
        for other in guild.roles.values():
            if other.position >= position and other.id != guild.id:
                other.position += 1
        role = Role(
            id=id or self.ids.next(),
            guild_id=guild.id,
            name=name,
            permissions=permissions,
            position=position,
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        if self._visible(guild):
            self.gateway.dispatch(
                "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role_json(role)}, guild.id
            )
            # disnake shifts every cached role up on a create (Discord adds roles at the
            # bottom); as Discord does after a move, send the real positions.
            for other in guild.roles.values():
                if other.id not in (role.id, guild.id):
                    self.gateway.dispatch(
                        "GUILD_ROLE_UPDATE",
                        {"guild_id": str(guild.id), "role": role_json(other)}, guild.id,
                    )
        return role

    def set_role_permissions(self, guild: Guild, role: Role, permissions: int) -> None:
        """Change a role's permissions (dispatches GUILD_ROLE_UPDATE)."""
        role.permissions = permissions
        if self._visible(guild):
            self.gateway.dispatch(
                "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role_json(role)}, guild.id
            )

    def set_user_locale(self, user: User, locale: str) -> None:
        """The user switches their client's language (seen in their next interaction)."""
        user.locale = locale

    def set_guild_locale(self, guild: Guild, locale: str) -> None:
        """Change the guild's preferred locale (dispatches GUILD_UPDATE)."""
        guild.preferred_locale = locale
        if self._visible(guild):
            self.gateway.dispatch("GUILD_UPDATE", guild_json(guild), guild.id)

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        """Change the permissions of the bot's managed role."""
        role = guild.bot_role
        if role is None:
            raise ValueError("the bot has no role in this guild")
        self.set_role_permissions(guild, role, permissions)

    # -- members -----------------------------------------------------------
    def add_member(
        self,
        guild: Guild,
        user: User | str = "member",
        *,
        roles: Iterable[Role | int] = (),
        nick: str | None = None,
        id: int | None = None,
        pending: bool = False,
    ) -> Member:
        """Add a member (creating the user from a name); dispatches GUILD_MEMBER_ADD.

        ``pending``: the member has not passed membership screening yet
        (:meth:`pass_screening` completes it)."""
        if isinstance(user, str):
            user = self.create_user(user, id=id)
        role_ids = [r.id if isinstance(r, Role) else int(r) for r in roles]
        member = Member(user=user, guild_id=guild.id, roles=role_ids, nick=nick,
                        pending=pending)
        guild.members[user.id] = member
        if self._visible(guild):
            data = member_json(member)
            data["guild_id"] = str(guild.id)
            self.gateway.dispatch("GUILD_MEMBER_ADD", data, guild.id)
        return member

    def pass_screening(self, guild: Guild, member: Member) -> None:
        """The member completed membership screening; dispatches GUILD_MEMBER_UPDATE."""
        member.pending = False
        if self._visible(guild):
            data = member_json(member)
            data["guild_id"] = str(guild.id)
            self.gateway.dispatch("GUILD_MEMBER_UPDATE", data, guild.id)

    def remove_member(self, guild: Guild, member: Member) -> None:
        """Remove a member (the user left); dispatches GUILD_MEMBER_REMOVE."""
        guild.members.pop(member.id, None)
        if self._visible(guild):
            data = {"guild_id": str(guild.id), "user": user_json(member.user)}
            self.gateway.dispatch("GUILD_MEMBER_REMOVE", data, guild.id)

    def remove_bot_member(self, guild: Guild) -> None:
        """Remove the bot from ``guild`` and dispatch GUILD_DELETE (no ``unavailable``)."""
        guild.members.pop(self.bot_user.id, None)
        self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)}, guild.id)

    def add_bot(self, guild: Guild, permissions: int = P.DEFAULT_BOT) -> Member:
        """Add the bot to ``guild`` and dispatch a full GUILD_CREATE to the owning shard."""
        member = self._join_bot(guild, permissions)
        self.gateway.dispatch_guild_create(guild)
        return member
