"""What the moderation commands do once they are allowed: Discord calls, cases, log posts.

Split from the cogs so escalation (which acts as the bot) reuses the same steps.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import disnake

from core.plugins.api import NO_MENTIONS, BotLike, role_rule
from plugins.moderation import cases, service
from plugins.moderation.logpost import post_case
from plugins.moderation.models import ModAction
from plugins.moderation.settings import MAX_TIMEOUT_DAYS, ModerationSettings
from plugins.moderation.texts import TEXTS

log = logging.getLogger(__name__)
MAX_TIMEOUT = timedelta(days=MAX_TIMEOUT_DAYS)


def audit_reason(moderator: disnake.abc.User, reason: str | None) -> str:
    """The audit-log reason Discord stores: who did it and why (bounded)."""
    return f"{moderator} ({moderator.id}): {reason or 'no reason given'}"[:512]


async def dm_before(
    settings: ModerationSettings, member: disnake.Member, verb: str, reason: str | None
) -> bool:
    """Tell the member before a kick or ban (``verb``: ``kicked`` or ``banned``), in the
    guild's language; a failed DM never blocks the action."""
    if not settings.dm_before_action:
        return False
    t = TEXTS.to(member.guild)
    text = t(f"dm.{verb}", guild=member.guild.name, reason=reason or t("no_reason"))
    try:
        await member.send(text[:2000], allowed_mentions=NO_MENTIONS)
    except disnake.HTTPException:
        return False
    return True


async def record(
    bot: BotLike, guild_id: int, moderator_id: int, target_id: int, kind: str,
    reason: str | None, duration: timedelta | None = None,
) -> ModAction:
    """Append the case and post it to the log channel."""
    seconds = int(duration.total_seconds()) if duration else None
    action = await cases.record_action(guild_id, moderator_id, target_id, kind, reason, seconds)
    await post_case(bot, action)
    return action


async def kick(
    bot: BotLike, settings: ModerationSettings, moderator: disnake.abc.User,
    member: disnake.Member, reason: str | None,
) -> ModAction:
    """DM (optional), kick, record."""
    await dm_before(settings, member, "kicked", reason)
    await member.guild.kick(member, reason=audit_reason(moderator, reason))
    return await record(bot, member.guild.id, moderator.id, member.id, "kick", reason)


async def ban(
    bot: BotLike, settings: ModerationSettings, moderator: disnake.abc.User,
    member: disnake.Member, reason: str | None, *, delete_days: int = 0,
    duration: timedelta | None = None,
) -> ModAction:
    """DM (optional), ban, record; a ``duration`` makes it a temp ban lifted by the leader."""
    guild = member.guild
    await dm_before(settings, member, "banned", reason)
    await guild.ban(
        member, reason=audit_reason(moderator, reason),
        clean_history_duration=timedelta(days=delete_days),
    )
    if duration is None:
        await service.clear_temp_punishment(guild.id, member.id, service.BAN)
        return await record(bot, guild.id, moderator.id, member.id, "ban", reason)
    await service.set_temp_punishment(guild.id, member.id, service.BAN, service.utcnow() + duration)
    return await record(bot, guild.id, moderator.id, member.id, "tempban", reason, duration)


async def mute(
    bot: BotLike, moderator: disnake.abc.User, member: disnake.Member,
    duration: timedelta, reason: str | None, role: disnake.Role | None,
) -> ModAction:
    """Time the member out (or give the mute role) until ``duration`` passes."""
    guild = member.guild
    until = service.utcnow() + duration
    why = audit_reason(moderator, reason)
    if role is None:
        await member.timeout(until=until, reason=why)
        await service.set_temp_punishment(guild.id, member.id, service.MUTE, until)
    else:
        await member.add_roles(role, reason=why)
        await service.set_temp_punishment(guild.id, member.id, service.MUTE_ROLE, until)
    return await record(bot, guild.id, moderator.id, member.id, "mute", reason, duration)


async def unmute(
    bot: BotLike, moderator: disnake.abc.User, member: disnake.Member, role: disnake.Role | None
) -> ModAction:
    """Lift a timeout and the mute role; forget the running mute."""
    guild = member.guild
    why = audit_reason(moderator, "unmuted")
    if member.current_timeout is not None:
        await member.timeout(until=None, reason=why)
    if role is not None and role in member.roles:
        await member.remove_roles(role, reason=why)
    for kind in (service.MUTE, service.MUTE_ROLE):
        await service.clear_temp_punishment(guild.id, member.id, kind)
    return await record(bot, guild.id, moderator.id, member.id, "unmute", None)


async def escalate(
    bot: BotLike, settings: ModerationSettings, member: disnake.Member, role: disnake.Role | None
) -> ModAction | None:
    """Apply the configured step when the member's active warnings reach a threshold."""
    count = await service.count_active_warnings(member.guild.id, member.id)
    reason = f"automatic: {count} active warnings"
    me = member.guild.me
    try:
        if settings.escalate_ban_at and count == settings.escalate_ban_at:
            return await ban(bot, settings, me, member, reason)
        if settings.escalate_kick_at and count == settings.escalate_kick_at:
            return await kick(bot, settings, me, member, reason)
        if settings.escalate_mute_at and count == settings.escalate_mute_at:
            length = timedelta(minutes=settings.escalate_mute_minutes)
            if role is not None and await role_rule.may_grant(
                bot, member.guild, role,
                TEXTS.phrase("role_purpose.escalation", member=f"<@{member.id}>")
            ) is not None:
                role = None  # refused (logged and posted): a timeout instead
            return await mute(bot, me, member, length, reason, role)
    except disnake.HTTPException as exc:
        log.warning("escalation in guild %s failed: %s", member.guild.id, exc)
    return None
