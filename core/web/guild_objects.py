"""A guild's channels and roles as the dashboard needs them (from Discord, bot token)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from core.services.guild_facts import ActorFacts, BotFacts, RoleFacts
from core.services.role_rule import RoleRefused
from core.web.context import WebContext
from core.web.discord_api import ADMINISTRATOR, DiscordApiError
from core.web.params import snowflake

TEXT_TYPES = (0, 5)  # text and announcement channels
FRESH_SECONDS = 5.0  # a channel or role just made on Discord shows up this soon
MANAGE_ROLES = 1 << 28


@dataclass(frozen=True)
class Choice:
    """A channel or role offered in a form (``usable``: the bot could give the role)."""

    id: int
    name: str
    usable: bool = True


@dataclass(frozen=True)
class GuildObjects:
    """Text channels and roles of a guild, and the bot's standing there."""

    channels: list[Choice]
    roles: list[Choice]
    channel_ids: frozenset[int]
    role_facts: dict[int, RoleFacts]
    bot: BotFacts

    def channel(self, raw: object) -> int | None:
        """The id of a submitted text channel ("" = none); ``ValueError`` if not this guild's."""
        text = str(raw or "").strip()
        if not text:
            return None
        if not any(str(ch.id) == text for ch in self.channels):
            raise ValueError("that channel is not in this server")
        return int(text)

    def channel_id(self, raw: object) -> int | None:
        """A submitted channel id as a number ("" = none); the rules check membership."""
        text = str(raw or "").strip()
        if not text:
            return None
        found = snowflake(text)
        if found is None:
            raise ValueError("that channel is not in this server")
        return found

    def role_of(self, raw: object) -> RoleFacts | None:
        """The facts of a submitted role ("" = none); ``ValueError`` if not this guild's."""
        text = str(raw or "").strip()
        if not text:
            return None
        role_id = snowflake(text)
        found = self.role_facts.get(role_id) if role_id is not None else None
        if found is None:
            raise ValueError("Pick a normal role of this server.")
        return found


def _bot_facts(guild_id: int, roles: list[dict], member: dict) -> BotFacts:
    by_id = {int(r["id"]): r for r in roles}
    mine = [by_id[int(r)] for r in member.get("roles", []) if int(r) in by_id]
    top = max((int(r["position"]) for r in mine), default=0)
    permissions = 0
    for role in [*mine, by_id.get(guild_id, {})]:
        permissions |= int(role.get("permissions") or 0)
    manage = bool(permissions & (MANAGE_ROLES | ADMINISTRATOR))
    return BotFacts(top_position=top, manage_roles=manage)


async def load(c: WebContext, guild_id: int) -> GuildObjects:
    """Channels and roles of the guild; roles the bot cannot assign are marked unusable."""
    try:
        channels = await c.bot_get(f"/guilds/{guild_id}/channels", ttl=FRESH_SECONDS)
        roles = await c.bot_get(f"/guilds/{guild_id}/roles", ttl=FRESH_SECONDS)
        me = await c.bot_get("/users/@me", ttl=3600.0)
        member = await c.bot_get(f"/guilds/{guild_id}/members/{me['id']}", ttl=FRESH_SECONDS)
    except DiscordApiError:
        raise web.HTTPBadGateway(text="Discord could not be reached; try again.") from None
    bot = _bot_facts(guild_id, roles, member)
    facts = {
        int(r["id"]): RoleFacts(int(r["id"]), str(r["name"]), int(r["position"]),
                                bool(r.get("managed")), int(r["id"]) == guild_id,
                                int(r.get("permissions") or 0))
        for r in roles
    }
    text = sorted((ch for ch in channels if ch.get("type") in TEXT_TYPES),
                  key=lambda ch: (ch.get("position", 0), int(ch["id"])))
    ordered = sorted((f for f in facts.values() if not f.default), key=lambda f: -f.position)
    return GuildObjects(
        channels=[Choice(int(ch["id"]), str(ch.get("name") or "?")) for ch in text],
        roles=[Choice(f.id, f.name, usable=not f.managed and f.position < bot.top_position)
               for f in ordered],
        channel_ids=frozenset(int(ch["id"]) for ch in channels),
        role_facts=facts,
        bot=bot,
    )


def _actor_facts(
    user_id: int, owner_id: int, guild_id: int, roles: list[dict], member: dict
) -> ActorFacts:
    by_id = {int(r["id"]): r for r in roles}
    mine = [by_id[int(r)] for r in member.get("roles", []) if int(r) in by_id]
    permissions = int(by_id.get(guild_id, {}).get("permissions") or 0)
    for role in mine:
        permissions |= int(role.get("permissions") or 0)
    top = max((int(r["position"]) for r in mine), default=0)
    return ActorFacts(user_id, user_id == owner_id, permissions, top)


async def actor(c: WebContext, guild_id: int, user_id: int) -> ActorFacts:
    """The logged-in user's standing in the guild now (owner, permissions from their roles,
    highest role), from Discord with the bot's token, for :mod:`core.services.role_rule`."""
    try:
        guild = await c.bot_get(f"/guilds/{guild_id}", ttl=FRESH_SECONDS)
        roles = await c.bot_get(f"/guilds/{guild_id}/roles", ttl=FRESH_SECONDS)
        member = await c.bot_get(f"/guilds/{guild_id}/members/{user_id}", ttl=FRESH_SECONDS)
    except DiscordApiError as exc:
        if exc.status == 404:
            raise RoleRefused("role_rule.left") from None
        raise web.HTTPBadGateway(text="Discord could not be reached; try again.") from None
    return _actor_facts(user_id, int(guild["owner_id"]), guild_id, roles, member)
