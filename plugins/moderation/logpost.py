"""Case text and posting cases to the guild's log channel (through REST, no mentions)."""

from __future__ import annotations

import logging
from datetime import timedelta

import disnake

from core.plugins.api import NO_MENTIONS, BotLike, Speaker
from plugins.moderation.durations import format_duration
from plugins.moderation.models import ModAction
from plugins.moderation.texts import TEXTS

log = logging.getLogger(__name__)
LABELS = {
    "warn": "Warning", "pardon": "Pardon", "kick": "Kick", "ban": "Ban", "tempban": "Temp ban",
    "unban": "Unban", "mute": "Mute", "unmute": "Unmute",
    "unban_failed": "Automatic unban FAILED", "unmute_failed": "Automatic unmute FAILED",
}


def case_line(action: ModAction, reason: str | None = None, t: Speaker | None = None) -> str:
    """``Case #3 · Ban of <@2> by <@1> (7d): reason`` (mentions are never pinged), in
    ``t``'s locale (English without one)."""
    t = t or TEXTS.english()
    kind = action.action_type
    label = t(f"label.{kind}") if kind in LABELS else kind
    length = f" ({format_duration_seconds(action.duration)})" if action.duration else ""
    shown = reason if reason is not None else action.reason
    return t(
        "case.line", case=str(action.case_number), label=label,
        target=f"<@{action.target_id}>", moderator=f"<@{action.moderator_id}>",
        length=length, reason=shown or t("no_reason"),
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
    guild = bot.get_guild(action.guild_id)
    line = case_line(action, t=TEXTS.to(guild) if guild is not None else None)
    try:
        await bot.http.send_message(
            channel_id, line[:2000], allowed_mentions=NO_MENTIONS.to_dict()
        )
    except disnake.HTTPException as exc:
        log.warning("could not post case %s of guild %s to the log channel: %s",
                    action.case_number, action.guild_id, exc)
        return False
    return True
