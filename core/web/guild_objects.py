"""A guild's channels and roles as the dashboard needs them (from Discord, bot token)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from core.web.context import WebContext
from core.web.discord_api import DiscordApiError

TEXT_TYPES = (0, 5)  # text and announcement channels
FRESH_SECONDS = 5.0  # a channel or role just made on Discord shows up this soon


@dataclass(frozen=True)
class Choice:
    """A channel or role offered in a form."""

    id: int
    name: str
    usable: bool = True


@dataclass(frozen=True)
class GuildObjects:
    """Text channels and assignable roles of a guild."""

    channels: list[Choice]
    roles: list[Choice]

    def channel(self, raw: object) -> int | None:
        """The id of a submitted channel ("" = none); ``ValueError`` if not this guild's."""
        return self._pick(raw, self.channels, "channel")

    def role(self, raw: object) -> int | None:
        """The id of a submitted role ("" = none); ``ValueError`` if not assignable."""
        return self._pick(raw, self.roles, "role")

    @staticmethod
    def _pick(raw: object, options: list[Choice], kind: str) -> int | None:
        text = str(raw or "").strip()
        if not text:
            return None
        found = next((o for o in options if str(o.id) == text), None)
        if found is None:
            raise ValueError(f"that {kind} is not in this server")
        if not found.usable:
            raise ValueError(f"I cannot give the role {found.name}: it is at or above my "
                             "highest role, managed by an integration, or @everyone")
        return found.id


async def load(c: WebContext, guild_id: int) -> GuildObjects:
    """Channels and roles of the guild; roles the bot cannot assign are marked unusable."""
    try:
        channels = await c.bot_get(f"/guilds/{guild_id}/channels", ttl=FRESH_SECONDS)
        roles = await c.bot_get(f"/guilds/{guild_id}/roles", ttl=FRESH_SECONDS)
        me = await c.bot_get("/users/@me", ttl=3600.0)
        member = await c.bot_get(f"/guilds/{guild_id}/members/{me['id']}", ttl=FRESH_SECONDS)
    except DiscordApiError:
        raise web.HTTPBadGateway(text="Discord could not be reached; try again.") from None
    positions = {str(r["id"]): int(r["position"]) for r in roles}
    top = max((positions.get(str(r), 0) for r in member.get("roles", [])), default=0)
    text = sorted((c for c in channels if c.get("type") in TEXT_TYPES),
                  key=lambda c: (c.get("position", 0), int(c["id"])))
    ordered = sorted(roles, key=lambda r: -int(r["position"]))
    return GuildObjects(
        channels=[Choice(int(ch["id"]), str(ch.get("name") or "?")) for ch in text],
        roles=[
            Choice(int(r["id"]), str(r["name"]),
                   usable=int(r["id"]) != guild_id and not r.get("managed")
                   and int(r["position"]) < top)
            for r in ordered if int(r["id"]) != guild_id
        ],
    )
