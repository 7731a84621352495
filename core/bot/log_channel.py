"""Posting a line to a guild's log channel (``guild_config.log_channel_id``), never pinging."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import disnake

from core.bot.mentions import NO_MENTIONS

if TYPE_CHECKING:
    from core.plugins.bot_like import BotLike

log = logging.getLogger(__name__)
MAX_MESSAGE = 2000


async def post_to_log_channel(bot: BotLike, guild_id: int, text: str) -> bool:
    """Post ``text`` to the guild's log channel when one is set; ``False`` if not posted."""
    channel_id = (await bot.guild_configs.get(guild_id)).log_channel_id
    if not channel_id:
        return False
    try:
        await bot.http.send_message(channel_id, text[:MAX_MESSAGE],
                                    allowed_mentions=NO_MENTIONS.to_dict())
    except disnake.HTTPException as exc:
        log.warning("could not post to the log channel of guild %s: %s", guild_id, exc)
        return False
    return True
