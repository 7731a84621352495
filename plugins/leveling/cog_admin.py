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

ANNOUNCE_CHOICES = {"same channel": "same", "a fixed channel": "channel", "off": "off"}


def announce_text(config: GuildLevelConfig) -> str:
    """Where level-ups are announced, in words."""
    if config.announce_mode == "channel":
        return f"in <#{config.announce_channel_id}>"
    return {"same": "in the member's channel", "off": "off"}[config.announce_mode]


def settings_text(guild: disnake.Guild, enabled: bool, config: GuildLevelConfig) -> str:
    """A summary of a guild's leveling settings."""
    announce = announce_text(config)
    channels = ", ".join(f"<#{c}>" for c in sorted(config.excluded_channels)) or "none"
    roles = ", ".join(f"<@&{r}>" for r in sorted(config.excluded_roles)) or "none"
    return (
        f"Leveling is **{'on' if enabled else 'off'}**. "
        f"{config.xp_min}-{config.xp_max} XP per message, once every "
        f"{config.cooldown_seconds} s. Level-up announcements: {announce}. "
        f"Lower reward roles are {'kept' if config.keep_lower_rewards else 'replaced'}.\n"
        f"Excluded channels: {channels}. Excluded roles: {roles}."
    )


def _invalid(exc: ValueError) -> commands.BadArgument:
    return commands.BadArgument(str(exc))


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
        await self._reply(inter, settings_text(inter.guild, enabled, config))

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
        await self._reply(inter, f"Leveling is now **{'on' if enabled else 'off'}**.")

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
            raise _invalid(exc) from exc
        await self._reply(inter, f"Level-up announcements: {announce_text(config)}.")

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
            raise _invalid(exc) from exc
        await self._reply(
            inter, f"Members now earn {config.xp_min}-{config.xp_max} XP per message, "
            f"once every {config.cooldown_seconds} s.",
        )

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
            raise role_rule.RoleRefused("Pick a normal role of this server.")
        try:
            await service.set_reward(guild.id, level, role_facts(own),
                                     actor_facts(inter.author), bot_facts(guild), "slash")
        except role_rule.RoleRefused:
            raise
        except ValueError as exc:
            raise _invalid(exc) from exc
        await self._reply(inter, f"Members reaching level {level} now get {role.mention}.")

    @reward.sub_command(name="remove", description="Stop rewarding a level")
    async def reward_remove(
        self, inter: disnake.ApplicationCommandInteraction,
        level: int = commands.Param(description="The level"),
    ) -> None:
        """Remove the reward of a level (members keep roles already given)."""
        assert inter.guild is not None
        if not await service.remove_reward(inter.guild.id, level):
            raise commands.BadArgument(f"level {level} has no reward")
        await self._reply(inter, f"Level {level} no longer gives a role.")

    @reward.sub_command(name="list", description="List the level rewards")
    async def reward_list(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Every reward, lowest level first."""
        assert inter.guild is not None
        rows = await service.rewards(inter.guild.id)
        config = await self.configs.get(inter.guild.id)
        if not rows:
            await self._reply(inter, "No level rewards yet: add one with `/levels reward add`.")
            return
        mode = "kept" if config.keep_lower_rewards else "replaced"
        lines = [f"Level {level}: <@&{role}>" for level, role in rows]
        await self._reply(inter, "\n".join([*lines, f"Lower reward roles are {mode}."]))

    @reward.sub_command(name="stacking", description="Keep or replace lower reward roles")
    async def reward_stacking(
        self, inter: disnake.ApplicationCommandInteraction,
        keep_lower: bool = commands.Param(description="Keep lower rewards on reaching higher"),
    ) -> None:
        """Choose whether members keep lower reward roles."""
        assert inter.guild is not None
        await self.configs.set_keep_lower_rewards(inter.guild.id, keep_lower)
        await self._reply(
            inter, f"Lower reward roles are now {'kept' if keep_lower else 'replaced'}."
        )

    @levels.sub_command(name="exclude", description="Stop a channel or role from earning XP")
    async def exclude(
        self, inter: disnake.ApplicationCommandInteraction,
        channel: disnake.abc.GuildChannel | None = commands.Param(None, description="Channel"),
        role: disnake.Role | None = commands.Param(None, description="Role"),
    ) -> None:
        """Exclude a channel and/or a role."""
        assert inter.guild is not None
        if channel is None and role is None:
            raise commands.BadArgument("choose a channel or a role")
        done = []
        if channel is not None:
            await self.configs.exclude(inter.guild.id, "channel", channel.id)
            done.append(channel.mention)
        if role is not None:
            await self.configs.exclude(inter.guild.id, "role", role.id)
            done.append(role.mention)
        await self._reply(inter, f"No XP is earned any more by {' and '.join(done)}.")

    @levels.sub_command(name="include", description="Let an excluded channel or role earn XP")
    async def include(
        self, inter: disnake.ApplicationCommandInteraction,
        channel: disnake.abc.GuildChannel | None = commands.Param(None, description="Channel"),
        role: disnake.Role | None = commands.Param(None, description="Role"),
    ) -> None:
        """Undo an exclusion."""
        assert inter.guild is not None
        targets = [t for t in (channel, role) if t is not None]
        if not targets:
            raise commands.BadArgument("choose a channel or a role")
        changed = [t for t in targets if await self.configs.include(inter.guild.id, t.id)]
        if not changed:
            raise commands.BadArgument("that was not excluded")
        await self._reply(inter, f"{' and '.join(t.mention for t in changed)} earn XP again.")

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
        if member.bot:
            raise commands.BadArgument("bots do not earn XP")
        await self.leveling.flush()  # awards already earned land before the change
        try:
            change = await service.adjust_xp(
                guild.id, member.id, member.name, inter.author.id, action, amount, reason
            )
        except ValueError as exc:
            raise _invalid(exc) from exc
        config = await self.configs.get(guild.id)
        problems = await self.leveling.sync_rewards(member, change.new_level, config)
        name = display_name(guild, member.id, member.name)
        text = (
            f"{name}: {change.old_xp:,} → {change.new_xp:,} XP "
            f"(level {change.old_level} → {change.new_level})."
        )
        if problems:
            text += "\nReward roles: " + "; ".join(problems)
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
        why = f" ({disnake.utils.escape_markdown(reason)})" if reason else ""
        admin_name = display_name(guild, admin.id, admin.name)
        try:
            await channel.send(f"XP: {admin_name} changed {name}'s XP by {delta:+,}{why}.",
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
