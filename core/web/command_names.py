"""The bot's own command names, which a plugin's commands must not shadow."""

from __future__ import annotations

from core.web.context import WebContext
from core.web.discord_api import DiscordApiError

PREFIX_COMMANDS = frozenset({"help", "ping", "prefix"})


async def reserved_names(c: WebContext) -> set[str]:
    """Built-in command names: the bot's slash commands (from Discord) and prefix commands."""
    names = set(PREFIX_COMMANDS)
    try:
        app = await c.bot_get("/applications/@me", ttl=3600.0)
        rows = await c.bot_get(f"/applications/{app['id']}/commands", ttl=300.0)
        names.update(str(row["name"]).lower() for row in rows)
    except DiscordApiError:
        pass  # the prefix names still apply; the bot refuses a clash at run time
    return names
