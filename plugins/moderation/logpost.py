"""Case text and posting cases to the guild's log channel (through REST, no mentions)."""

from __future__ import annotations

import logging
from datetime import timedelta

import disnake

from core.plugins.api import NO_MENTIONS, BotLike
from plugins.moderation.durations import format_duration
from plugins.moderation.models import ModAction

log = logging.getLogger(__name__)
LABELS = {
    "warn": "Warning", "pardon": "Pardon", "kick": "Kick", "ban": "Ban", "tempban": "Temp ban",
    "unban": "Unban", "mute": "Mute", "unmute": "Unmute",
    "unban_failed": "Automatic unban FAILED", "unmute_failed": "Automatic unmute FAILED",
}


def case_line(action: ModAction, reason: str | None = None) -> str:
    """``Case #3 · Ban of <@2> by <@1> (7d): reason`` (mentions are never pinged)."""
    label = LABELS.get(action.action_type, action.action_type)
    length = f" ({format_duration_seconds(action.duration)})" if action.duration else ""
    shown = reason if reason is not None else action.reason
    return (
        f"Case #{action.case_number} · {label} of <@{action.target_id}> by "
        f"<@{action.moderator_id}>{length}: {shown or 'no reason given'}"
    )


def format_duration_seconds(seconds: int) -> str:
    """``5400`` -> ``"1h30m"``."""
    return format_duration(timedelta(seconds=seconds))


async def post_case(bot: BotLike, action: ModAction) -> bool:
    """Post the case to ``guild_config.log_channel_id`` when set; ``False`` if not posted."""
    config = await bot.guild_configs.get(action.guild_id)
    channel_id = config.log_channel_id
    if not channel_id:
        return False
    try:
        await bot.http.send_message(
            channel_id, case_line(action)[:2000], allowed_mentions=NO_MENTIONS.to_dict()
        )
    except disnake.HTTPException as exc:
        log.warning("could not post case %s of guild %s to the log channel: %s",
                    action.case_number, action.guild_id, exc)
        return False
    return True
