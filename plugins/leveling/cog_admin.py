"""``/levels`` (settings) and ``/xp set|add|remove`` for admins (Manage Server).

Every change goes through ``plugins.leveling.service`` (one validation, the cache entry
invalidated); bad input is answered with an ephemeral message and changes nothing.
"""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.plugins.api import (
    GUILD_ONLY,
    NO_MENTIONS,
    LocalizedValue,
    Speaker,
    actor_facts,
    bot_facts,
    require_manage_guild,
    role_facts,
    role_rule,
)
from plugins.leveling import service
from plugins.leveling.cog import Leveling
from plugins.leveling.cog_board import display_name
from plugins.leveling.guild_settings import GuildLevelConfig
from plugins.leveling.texts import TEXTS

ANNOUNCE_CHOICES = {"same channel": "same", "a fixed channel": "channel", "off": "off"}


def announce_text(config: GuildLevelConfig, t: Speaker) -> str:
    """Where level-ups are announced, in words."""
    if config.announce_mode == "channel":
        return t("announce.channel", channel=f"<#{config.announce_channel_id}>")
    return t(f"announce.{config.announce_mode}")


def stacking_text(keep_lower: bool, t: Speaker) -> str:
    """Whether lower reward roles are kept, in words."""
    return t("stacking.kept") if keep_lower else t("stacking.replaced")


def settings_text(
    guild: disnake.Guild, enabled: bool, config: GuildLevelConfig, t: Speaker
) -> str:
    """A summary of a guild's leveling settings."""
    channels = ", ".join(f"<#{c}>" for c in sorted(config.excluded_channels)) or t("none")
    roles = ", ".join(f"<@&{r}>" for r in sorted(config.excluded_roles)) or t("none")
    return t(
        "settings", state=t("state.on") if enabled else t("state.off"),
        xp_min=config.xp_min, xp_max=config.xp_max, cooldown=config.cooldown_seconds,
        announce=announce_text(config, t),
        stacking=stacking_text(config.keep_lower_rewards, t), channels=channels, roles=roles,
    )


def _invalid(exc: ValueError, t: Speaker) -> commands.BadArgument:
    """Bad input, worded for ``t``'s reader when the service could (a ``TextError``)."""
    shown = exc.localized_text(t.format_locale) if isinstance(exc, LocalizedValue) else str(exc)
    return commands.BadArgument(shown)


class LevelsAdmin(commands.Cog):
    """Leveling settings and manual XP changes."""

    def __init__(self, leveling: Leveling) -> None:
        self.leveling = leveling
        self.configs = leveling.configs

    async def cog_slash_command_check(self, inter: disnake.ApplicationCommandInteraction) -> bool:
        """Every command here needs Manage Server."""
        require_manage_guild(inter.author)
        return True

    async def _reply(self, inter: disnake.ApplicationCommandInteraction, text: str) -> None:
        await inter.response.send_message(text, allowed_mentions=NO_MENTIONS)

    # -- /levels ------------------------------------------------------------------------

    @commands.slash_command(name="levels", description="Leveling settings (Manage Server)",
                            contexts=GUILD_ONLY)
    async def levels(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the settings subcommands."""

    @levels.sub_command(name="show", description="Show the leveling settings")
    async def show(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Summarise the guild's settings."""
        assert inter.guild is not None
        config = await self.configs.get(inter.guild.id)
        enabled = await self.leveling.enabled(inter.guild.id)
        await self._reply(inter, settings_text(inter.guild, enabled, config, TEXTS.to(inter)))

    @levels.sub_command(name="toggle", description="Turn XP earning on or off here")
    async def toggle(
        self, inter: disnake.ApplicationCommandInteraction,
        enabled: bool = commands.Param(description="On or off"),
    ) -> None:
        """Set ``guild_config.xp_enabled``."""
        assert inter.guild is not None
        await self.leveling.bot.guild_configs.update(
            inter.guild.id, actor_id=inter.author.id, source="slash", xp_enabled=enabled
        )
        t = TEXTS.to(inter)
        await self._reply(inter, t("toggled", state=t("state.on") if enabled else t("state.off")))

    @levels.sub_command(name="announce", description="Where level-ups are announced")
    async def announce(
        self, inter: disnake.ApplicationCommandInteraction,
        mode: str = commands.Param(choices=list(ANNOUNCE_CHOICES), description="Where"),
        channel: disnake.TextChannel | None = commands.Param(
            None, description="The channel (for 'a fixed channel')"
        ),
    ) -> None:
        """Announce in the member's channel, a fixed channel, or not at all."""
        assert inter.guild is not None
        value = ANNOUNCE_CHOICES.get(mode, mode)
        try:
            config = await self.configs.set_announce(
                inter.guild.id, value, channel.id if channel else None
            )
        except ValueError as exc:
            raise _invalid(exc, TEXTS.to(inter)) from exc
        t = TEXTS.to(inter)
        await self._reply(inter, t("announce.done", announce=announce_text(config, t)))

    @levels.sub_command(name="rates", description="XP per message and the cooldown")
    async def rates(
        self, inter: disnake.ApplicationCommandInteraction,
        xp_min: int | None = commands.Param(None, description="Least XP per message"),
        xp_max: int | None = commands.Param(None, description="Most XP per message"),
        cooldown: int | None = commands.Param(None, description="Seconds between awards"),
    ) -> None:
        """Change the XP range and/or the cooldown."""
        assert inter.guild is not None
        try:
            config = await self.configs.set_rates(inter.guild.id, xp_min, xp_max, cooldown)
        except ValueError as exc:
            raise _invalid(exc, TEXTS.to(inter)) from exc
        await self._reply(inter, TEXTS.to(inter)(
            "rates.done", xp_min=config.xp_min, xp_max=config.xp_max,
            cooldown=config.cooldown_seconds,
        ))

    @levels.sub_command_group(name="reward", description="Level role rewards")
    async def reward(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the reward subcommands."""

    @reward.sub_command(name="add", description="Give a role on reaching a level")
    async def reward_add(
        self, inter: disnake.ApplicationCommandInteraction,
        level: int = commands.Param(description="The level (2 or more)"),
        role: disnake.Role = commands.Param(description="The role to give"),
    ) -> None:
        """Add (or change) the reward of a level."""
        guild = inter.guild
        assert guild is not None and isinstance(inter.author, disnake.Member)
        own = guild.get_role(role.id)
        if own is None:
            raise role_rule.RoleRefused("reward.normal_role", texts=TEXTS)
        try:
            await service.set_reward(guild.id, level, role_facts(own),
                                     actor_facts(inter.author), bot_facts(guild), "slash")
        except role_rule.RoleRefused:
            raise
        except ValueError as exc:
            raise _invalid(exc, TEXTS.to(inter)) from exc
        await self._reply(inter, TEXTS.to(inter)("reward.added", level=level, role=role.mention))

    @reward.sub_command(name="remove", description="Stop rewarding a level")
    async def reward_remove(
        self, inter: disnake.ApplicationCommandInteraction,
        level: int = commands.Param(description="The level"),
    ) -> None:
        """Remove the reward of a level (members keep roles already given)."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if not await service.remove_reward(inter.guild.id, level):
            raise commands.BadArgument(t("reward.missing", level=level))
        await self._reply(inter, t("reward.removed", level=level))

    @reward.sub_command(name="list", description="List the level rewards")
    async def reward_list(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Every reward, lowest level first."""
        assert inter.guild is not None
        rows = await service.rewards(inter.guild.id)
        config = await self.configs.get(inter.guild.id)
        t = TEXTS.to(inter)
        if not rows:
            await self._reply(inter, t("reward.none"))
            return
        mode = stacking_text(config.keep_lower_rewards, t)
        lines = [t("reward.row", level=level, role=f"<@&{role}>") for level, role in rows]
        await self._reply(inter, "\n".join([*lines, t("reward.stacking", stacking=mode)]))

    @reward.sub_command(name="stacking", description="Keep or replace lower reward roles")
    async def reward_stacking(
        self, inter: disnake.ApplicationCommandInteraction,
        keep_lower: bool = commands.Param(description="Keep lower rewards on reaching higher"),
    ) -> None:
        """Choose whether members keep lower reward roles."""
        assert inter.guild is not None
        await self.configs.set_keep_lower_rewards(inter.guild.id, keep_lower)
        t = TEXTS.to(inter)
        await self._reply(inter, t("reward.stacking_now", stacking=stacking_text(keep_lower, t)))

    @levels.sub_command(name="exclude", description="Stop a channel or role from earning XP")
    async def exclude(
        self, inter: disnake.ApplicationCommandInteraction,
        channel: disnake.abc.GuildChannel | None = commands.Param(None, description="Channel"),
        role: disnake.Role | None = commands.Param(None, description="Role"),
    ) -> None:
        """Exclude a channel and/or a role."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if channel is None and role is None:
            raise commands.BadArgument(t("exclusion.choose"))
        done = []
        if channel is not None:
            await self.configs.exclude(inter.guild.id, "channel", channel.id)
            done.append(channel.mention)
        if role is not None:
            await self.configs.exclude(inter.guild.id, "role", role.id)
            done.append(role.mention)
        await self._reply(inter, t("exclusion.excluded", targets=t("and").join(done)))

    @levels.sub_command(name="include", description="Let an excluded channel or role earn XP")
    async def include(
        self, inter: disnake.ApplicationCommandInteraction,
        channel: disnake.abc.GuildChannel | None = commands.Param(None, description="Channel"),
        role: disnake.Role | None = commands.Param(None, description="Role"),
    ) -> None:
        """Undo an exclusion."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        targets = [x for x in (channel, role) if x is not None]
        if not targets:
            raise commands.BadArgument(t("exclusion.choose"))
        changed = [x for x in targets if await self.configs.include(inter.guild.id, x.id)]
        if not changed:
            raise commands.BadArgument(t("exclusion.not_excluded"))
        mentions = t("and").join(x.mention for x in changed)
        await self._reply(inter, t("exclusion.included", targets=mentions))

    # -- /xp ------------------------------------------------------------------------------

    @commands.slash_command(name="xp", description="Change a member's XP (Manage Server)",
                            contexts=GUILD_ONLY)
    async def xp(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of set/add/remove."""

    async def _change(
        self, inter: disnake.ApplicationCommandInteraction, action: str,
        member: disnake.Member, amount: int, reason: str | None,
    ) -> None:
        guild = inter.guild
        assert guild is not None
        t = TEXTS.to(inter)
        if member.bot:
            raise commands.BadArgument(t("bots_earn_nothing"))
        await self.leveling.write_xp(guild.id)  # awards already earned land before the change
        try:
            change = await service.adjust_xp(
                guild.id, member.id, member.name, inter.author.id, action, amount, reason
            )
        except ValueError as exc:
            raise _invalid(exc, TEXTS.to(inter)) from exc
        config = await self.configs.get(guild.id)
        problems = await self.leveling.sync_rewards(member, change.new_level, config)
        name = display_name(guild, member.id, member.name)
        text = t(
            "xp.changed", name=name, old_xp=change.old_xp, new_xp=change.new_xp,
            old_level=change.old_level, new_level=change.new_level,
        )
        if problems:
            shown = "; ".join(p.localized_text(t.format_locale) for p in problems)
            text += "\n" + t("xp.reward_problems", problems=shown)
        await self._reply(inter, text)
        await self._log(guild, inter.author, name, change.delta, reason)

    async def _log(
        self, guild: disnake.Guild, admin: disnake.abc.User, name: str, delta: int,
        reason: str | None,
    ) -> None:
        log_id = (await self.leveling.bot.guild_configs.get(guild.id)).log_channel_id
        channel = guild.get_channel(log_id) if log_id else None
        if not isinstance(channel, disnake.TextChannel):
            return
        t = TEXTS.to(guild)
        why = f" ({disnake.utils.escape_markdown(reason)})" if reason else ""
        admin_name = display_name(guild, admin.id, admin.name)
        signed = ("+" if delta >= 0 else "-") + t.number(abs(delta))
        try:
            await channel.send(t("xp.log", admin=admin_name, name=name, delta=signed, why=why),
                               allowed_mentions=NO_MENTIONS)
        except disnake.HTTPException:
            pass

    @xp.sub_command(name="set", description="Set a member's XP")
    async def xp_set(
        self, inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="The member"),
        amount: int = commands.Param(description="The new XP total"),
        reason: str | None = commands.Param(None, description="Why (kept in the audit log)"),
    ) -> None:
        """Set the XP total; the level and reward roles follow."""
        await self._change(inter, "set", member, amount, reason)

    @xp.sub_command(name="add", description="Give a member XP")
    async def xp_add(
        self, inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="The member"),
        amount: int = commands.Param(description="XP to add"),
        reason: str | None = commands.Param(None, description="Why (kept in the audit log)"),
    ) -> None:
        """Add XP; the level and reward roles follow."""
        await self._change(inter, "add", member, amount, reason)

    @xp.sub_command(name="remove", description="Take XP from a member")
    async def xp_remove(
        self, inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member = commands.Param(description="The member"),
        amount: int = commands.Param(description="XP to remove"),
        reason: str | None = commands.Param(None, description="Why (kept in the audit log)"),
    ) -> None:
        """Remove XP (never below 0); the level and reward roles follow."""
        await self._change(inter, "remove", member, amount, reason)
