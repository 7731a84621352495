"""Real disnake objects without a gateway: the double's world model parsed by disnake.

The guild is turned into a GUILD_CREATE payload by the double's own payload builders and
given to ``disnake.Guild`` with the connection state of a client that never connects, so
checks see the same ``Member``, ``Role`` and permission objects as in production.
"""

from __future__ import annotations

import disnake

from core.testing.double.payloads import guild_create_json, user_json
from core.testing.double.state import Guild, User


def parse_guild(guild: Guild, bot_id: int, *, members_cached: bool = True) -> disnake.Guild:
    """``guild`` as disnake sees it, ``guild.me`` being member ``bot_id``. Call it from a
    running event loop (an ``async`` test): disnake's client takes the current loop.

    ``members_cached=False``: as the large profile sees it, only the bot's own member in the
    cache (the guild is not chunked)."""
    state = disnake.Client(intents=disnake.Intents.all())._connection
    state.user = disnake.ClientUser(state=state,
                                    data=user_json(User(bot_id, "guildhall", bot=True)))
    data = guild_create_json(guild, include_members=members_cached, bot_id=bot_id,
                             available=True)
    return disnake.Guild(data=data, state=state)


def parse_user(guild: disnake.Guild, user: User) -> disnake.User:
    """A user who is no member of ``guild``, on the same connection state."""
    return disnake.User(state=guild._state, data=user_json(user))
