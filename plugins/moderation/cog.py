"""``/warn``, ``/warnings``, ``/pardon``, ``/kick``, ``/ban``, ``/tempban``, ``/unban``,
``/mute``, ``/unmute``, and re-applying the mute role on rejoin.

Every command checks, in order: the invoker's permission, the target rules, then the
bot's own permission and role position (:mod:`plugins.moderation.checks`). A refusal is
answered ephemerally and writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

import disnake
from disnake.ext import commands

from core.plugins.api import GUILD_ONLY, NO_MENTIONS, BotLike, role_rule
from plugins.moderation import actions, checks, service
from plugins.moderation.checks import Refusal
from plugins.moderation.durations import DurationError, format_duration, parse_duration
from plugins.moderation.guild_settings import rules_cache
from plugins.moderation.logpost import post_case
from plugins.moderation.settings import ModerationSettings
from plugins.moderation.texts import TEXTS

REASON = commands.Param(default=None, max_length=500, description="Why (shown in the log)")


def name_of(user: disnake.abc.User) -> str:
    """A display name safe to show: no mentions, no markdown."""
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(user.display_name))


class Moderation(commands.Cog):
    """Member moderation commands."""

    def __init__(self, bot: BotLike, settings: ModerationSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.rules = rules_cache(settings)  # per-guild warning expiry and escalation

    @commands.Cog.listener("on_connect")
    async def follow_rule_changes(self) -> None:
        """Drop cached guild rules when any process (the dashboard) changes them."""
        if self.bot.bus is not None:
            self.rules.listen(self.bot.bus)

    async def guarded(
        self, inter: disnake.ApplicationCommandInteraction, work: Awaitable[str]
    ) -> None:
        """Run ``work``; send its text, or the refusal ephemerally."""
        try:
            text = await work
        except (Refusal, DurationError) as exc:
            await inter.response.send_message(exc.in_locale(TEXTS.to(inter)), ephemeral=True,
                                              allowed_mentions=NO_MENTIONS)
            return
        await inter.response.send_message(text[:2000], allowed_mentions=NO_MENTIONS)

    async def allowed(
        self, inter: disnake.ApplicationCommandInteraction, flag: str,
        target: disnake.abc.User | None,
    ) -> disnake.Member | None:
        """All three checks; the target as a member of this guild (if it is one)."""
        guild = inter.guild
        assert guild is not None and isinstance(inter.author, disnake.Member)
        checks.require_permission(inter.author, flag, self.bot)
        if target is None:
            checks.check_bot(guild, flag, None)
            return None
        target = await checks.fetched_member(guild, target)
        checks.check_target(guild, inter.author, target)
        checks.check_bot(guild, flag, target)
        return checks.as_member(guild, target)

    async def member_target(
        self, inter: disnake.ApplicationCommandInteraction, flag: str, target: disnake.abc.User
    ) -> disnake.Member:
        """As :meth:`allowed`, for commands that need a current member."""
        assert inter.guild is not None
        checks.require_permission(inter.author, flag, self.bot)
        target = await checks.fetched_member(inter.guild, target)
        checks.guild_member(inter.guild, target)
        member = await self.allowed(inter, flag, target)
        assert member is not None
        return member

    async def mute_role(
        self, guild: disnake.Guild, needed: bool, grant: bool = True
    ) -> disnake.Role | None:
        """The configured mute role (checked; with ``grant``, also by
        :func:`core.services.role_rule.may_grant`), or ``None`` to use a timeout."""
        role_id = (await self.bot.guild_configs.get(guild.id)).mute_role_id
        if role_id is None:
            if needed:
                raise Refusal("refusal.long_mute_needs_role")
            return None
        role = checks.check_mute_role(guild, role_id)
        if not grant:
            return role
        refused = await role_rule.may_grant(self.bot, guild, role,
                                             TEXTS.phrase("role_purpose.mute_role"))
        if refused is not None:
            raise Refusal("refusal.mute_role_refused", reason=refused)
        return role

    # -- warnings ----------------------------------------------------------------------

    @commands.slash_command(name="warn", description="Warn a member", contexts=GUILD_ONLY)
    async def warn(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User,
        reason: str = commands.Param(max_length=500, description="Why"),
    ) -> None:
        """Record a warning; escalate when a threshold is reached."""
        await self.guarded(inter, self._warn(inter, member, reason))

    async def _warn(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User, reason: str
    ) -> str:
        target = await self.member_target(inter, "moderate_members", user)
        rules = await self.rules.get(target.guild.id)
        warning, action = await service.add_warning(
            target.guild.id, target.id, inter.author.id, reason, rules.warning_expiry_days,
        )
        await post_case(self.bot, action)
        t = TEXTS.to(inter)
        text = t("case.warned", case=str(action.case_number), name=name_of(target),
                 warning=str(warning.id))
        role = None
        if rules.escalate_mute_at:
            try:
                role = await self.mute_role(target.guild, False, grant=False)
            except Refusal:
                role = None
        step = await actions.escalate(self.bot, rules, target, role)
        if step is not None:
            text += "\n" + t("case.escalated", case=str(step.case_number),
                             action=t(f"action.{step.action_type}"), reason=step.reason)
        return text

    @commands.slash_command(name="warnings", description="A member's active warnings",
                            contexts=GUILD_ONLY)
    async def warnings(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User
    ) -> None:
        """List the active warnings."""
        await self.guarded(inter, self._warnings(inter, member))

    async def _warnings(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User
    ) -> str:
        assert inter.guild is not None
        checks.require_permission(inter.author, "moderate_members", self.bot)
        rows = await service.active_warnings(inter.guild.id, user.id)
        t = TEXTS.to(inter)
        if not rows:
            return t("warnings.none", name=name_of(user))
        lines = [t("warnings.title", name=name_of(user), count=len(rows))]
        lines += [
            t("warnings.row", id=str(w.id), date=f"{w.created_at:%Y-%m-%d}",
              moderator=f"<@{w.moderator_id}>", reason=w.reason)
            for w in rows[:20]
        ]
        return "\n".join(lines)

    @commands.slash_command(name="pardon", description="Withdraw a warning", contexts=GUILD_ONLY)
    async def pardon(
        self, inter: disnake.ApplicationCommandInteraction,
        warning_id: int = commands.Param(ge=1, le=2**31 - 1, description="The warning's #"),
    ) -> None:
        """Deactivate one warning of this server."""
        await self.guarded(inter, self._pardon(inter, warning_id))

    async def _pardon(self, inter: disnake.ApplicationCommandInteraction, warning_id: int) -> str:
        assert inter.guild is not None
        checks.require_permission(inter.author, "moderate_members", self.bot)
        done = await service.pardon(inter.guild.id, warning_id, inter.author.id)
        if done is None:
            raise Refusal("refusal.no_warning", warning=str(warning_id))
        await post_case(self.bot, done[1])
        return TEXTS.to(inter)("case.pardoned", case=str(done[1].case_number),
                               warning=str(warning_id))

    # -- kick and bans -------------------------------------------------------------------

    @commands.slash_command(name="kick", description="Kick a member", contexts=GUILD_ONLY)
    async def kick(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User,
        reason: str | None = REASON,
    ) -> None:
        """Kick (with an optional DM first)."""
        await self.guarded(inter, self._kick(inter, member, reason))

    async def _kick(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User, reason: str | None
    ) -> str:
        target = await self.member_target(inter, "kick_members", user)
        action = await actions.kick(self.bot, self.settings, inter.author, target, reason)
        return TEXTS.to(inter)("case.kicked", case=str(action.case_number), name=name_of(target))

    @commands.slash_command(name="ban", description="Ban a member", contexts=GUILD_ONLY)
    async def ban(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User,
        reason: str | None = REASON,
        delete_messages: int = commands.Param(0, ge=0, le=7, description="Days of messages"),
    ) -> None:
        """Ban permanently."""
        await self.guarded(inter, self._ban(inter, member, reason, delete_messages, None))

    @commands.slash_command(name="tempban", description="Ban a member for a while",
                            contexts=GUILD_ONLY)
    async def tempban(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User,
        duration: str = commands.Param(max_length=40, description="e.g. 10m, 1h30m, 7d, 2w"),
        reason: str | None = REASON,
    ) -> None:
        """Ban until the duration passes (the leader unbans)."""
        await self.guarded(inter, self._ban(inter, member, reason, 0, duration))

    async def _ban(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User,
        reason: str | None, delete_days: int, duration_text: str | None,
    ) -> str:
        target = await self.member_target(inter, "ban_members", user)
        duration = None
        if duration_text is not None:
            duration = parse_duration(duration_text, timedelta(days=self.settings.max_ban_days))
        action = await actions.ban(
            self.bot, self.settings, inter.author, target, reason,
            delete_days=delete_days, duration=duration,
        )
        t = TEXTS.to(inter)
        if duration:
            return t("case.tempbanned", case=str(action.case_number), name=name_of(target),
                     duration=format_duration(duration))
        return t("case.banned", case=str(action.case_number), name=name_of(target))

    @commands.slash_command(name="unban", description="Lift a ban", contexts=GUILD_ONLY)
    async def unban(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User,
        reason: str | None = REASON,
    ) -> None:
        """Unban a user (and forget a running temp ban)."""
        await self.guarded(inter, self._unban(inter, user, reason))

    async def _unban(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User, reason: str | None
    ) -> str:
        guild = inter.guild
        assert guild is not None
        await self.allowed(inter, "ban_members", user)
        try:
            await guild.unban(user, reason=actions.audit_reason(inter.author, reason))
        except disnake.NotFound:
            raise Refusal("refusal.not_banned", name=name_of(user)) from None
        await service.clear_temp_punishment(guild.id, user.id, service.BAN)
        action = await actions.record(
            self.bot, guild.id, inter.author.id, user.id, "unban", reason
        )
        return TEXTS.to(inter)("case.unbanned", case=str(action.case_number), name=name_of(user))

    # -- mutes ---------------------------------------------------------------------------

    @commands.slash_command(name="mute", description="Mute a member for a while",
                            contexts=GUILD_ONLY)
    async def mute(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User,
        duration: str = commands.Param(max_length=40, description="e.g. 10m, 1h30m, 7d, 2w"),
        reason: str | None = REASON,
    ) -> None:
        """A timeout, or the mute role when configured or longer than 28 days."""
        await self.guarded(inter, self._mute(inter, member, duration, reason))

    async def _mute(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User,
        duration_text: str, reason: str | None,
    ) -> str:
        target = await self.member_target(inter, "moderate_members", user)
        limit = timedelta(days=self.settings.max_ban_days)
        duration = parse_duration(duration_text, max(limit, actions.MAX_TIMEOUT))
        role = await self.mute_role(target.guild, duration > actions.MAX_TIMEOUT)
        action = await actions.mute(self.bot, inter.author, target, duration, reason, role)
        t = TEXTS.to(inter)
        how = t("mute.with_role") if role is not None else t("mute.with_timeout")
        return t("case.muted", case=str(action.case_number), name=name_of(target),
                 duration=format_duration(duration), how=how)

    @commands.slash_command(name="unmute", description="Lift a mute", contexts=GUILD_ONLY)
    async def unmute(
        self, inter: disnake.ApplicationCommandInteraction, member: disnake.User
    ) -> None:
        """Lift the timeout and the mute role."""
        await self.guarded(inter, self._unmute(inter, member))

    async def _unmute(
        self, inter: disnake.ApplicationCommandInteraction, user: disnake.User
    ) -> str:
        target = await self.member_target(inter, "moderate_members", user)
        role_id = (await self.bot.guild_configs.get(target.guild.id)).mute_role_id
        role = checks.check_mute_role(target.guild, role_id) if role_id else None
        action = await actions.unmute(self.bot, inter.author, target, role)
        return TEXTS.to(inter)("case.unmuted", case=str(action.case_number), name=name_of(target))

    @commands.Cog.listener()
    async def on_member_join(self, member: disnake.Member) -> None:
        """A member muted by role who rejoins gets the role back while the mute runs."""
        if await service.running_mute(member.guild.id, member.id) is None:
            return
        role_id = (await self.bot.guild_configs.get(member.guild.id)).mute_role_id
        role = member.guild.get_role(role_id) if role_id else None
        purpose = TEXTS.phrase("role_purpose.rejoined", member=f"<@{member.id}>")
        if role is not None and await role_rule.may_grant(
            self.bot, member.guild, role, purpose
        ) is None:
            await member.add_roles(role, reason="mute still running (rejoined)")

