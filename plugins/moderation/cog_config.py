"""``/modconfig``: the guild's moderation log channel and mute role, and its warning expiry
and escalation thresholds (Manage Server). The writes are those of the web dashboard:
:mod:`plugins.moderation.guild_settings` and :data:`plugins.moderation.guild_settings.RULES`."""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.plugins.api import (
    GUILD_ONLY,
    NO_MENTIONS,
    BotLike,
    RoleRefused,
    actor_facts,
    bot_facts,
    overrides,
    role_facts,
)
from plugins.moderation import checks, guild_settings
from plugins.moderation.checks import Refusal
from plugins.moderation.guild_settings import RULES
from plugins.moderation.settings import ModerationSettings
from plugins.moderation.texts import TEXTS


class ModConfig(commands.Cog):
    """Writes ``guild_config.log_channel_id``, ``guild_config.mute_role_id`` and the
    guild's ``moderation_settings`` row (``settings``: the config file's defaults)."""

    def __init__(self, bot: BotLike, settings: ModerationSettings | None = None) -> None:
        self.bot = bot
        self.settings = settings or ModerationSettings()

    async def answer(
        self, inter: disnake.ApplicationCommandInteraction, text: str, ephemeral: bool = False
    ) -> None:
        """Reply without pinging anyone."""
        await inter.response.send_message(text, ephemeral=ephemeral,
                                          allowed_mentions=NO_MENTIONS)

    @commands.slash_command(name="modconfig", description="Moderation settings (Manage Server)",
                            contexts=GUILD_ONLY)
    async def modconfig(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the settings subcommands."""

    @modconfig.sub_command(name="logchannel", description="Where cases are posted")
    async def logchannel(
        self, inter: disnake.ApplicationCommandInteraction,
        channel: disnake.TextChannel | None = commands.Param(None, description="None: off"),
    ) -> None:
        """Set or clear the log channel (a channel of this server)."""
        assert inter.guild is not None
        try:
            checks.require_permission(inter.author, "manage_guild", self.bot)
            await guild_settings.set_log_channel(
                self.bot.guild_configs, inter.guild.id, channel.id if channel else None,
                {c.id for c in inter.guild.channels}, actor_id=inter.author.id, source="slash",
            )
        except Refusal as exc:
            await self.answer(inter, exc.in_locale(TEXTS.to(inter)), ephemeral=True)
            return
        t = TEXTS.to(inter)
        where = t("config.log_in", channel=f"<#{channel.id}>") if channel else t("config.log_off")
        await self.answer(inter, t("config.log_set", where=where))

    @modconfig.sub_command(name="muterole", description="The role used for mutes")
    async def muterole(
        self, inter: disnake.ApplicationCommandInteraction,
        role: disnake.Role | None = commands.Param(None, description="None: timeouts only"),
    ) -> None:
        """Set or clear the mute role (:mod:`core.services.role_rule`: invoker and bot reach)."""
        assert inter.guild is not None
        guild = inter.guild
        try:
            checks.require_permission(inter.author, "manage_guild", self.bot)
            own = guild.get_role(role.id) if role is not None else None
            if role is not None and own is None:
                raise Refusal("refusal.normal_role")
            assert isinstance(inter.author, disnake.Member)
            await guild_settings.set_mute_role(
                self.bot.guild_configs, guild.id, role_facts(own) if own else None,
                actor_facts(inter.author), bot_facts(guild), source="slash",
            )
        except (Refusal, RoleRefused) as exc:
            t = TEXTS.to(inter)
            await self.answer(inter, exc.in_locale(t) if isinstance(exc, Refusal)
                              else exc.localized_text(t.format_locale),
                              ephemeral=True)
            return
        t = TEXTS.to(inter)
        text = (t("config.mute_role", role=disnake.utils.escape_markdown(role.name)) if role
                else t("config.mute_timeouts"))
        await self.answer(inter, text)

    @modconfig.sub_command_group(name="rules", description="Warning expiry and escalation")
    async def rules(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the rules subcommands."""

    @rules.sub_command(name="show", description="This server's warning expiry and escalation")
    async def rules_show(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """The guild's effective values (its own, else the config file's)."""
        assert inter.guild is not None
        try:
            checks.require_permission(inter.author, "manage_guild", self.bot)
        except Refusal as exc:
            await self.answer(inter, exc.in_locale(TEXTS.to(inter)), ephemeral=True)
            return
        text = await overrides.show(RULES, inter.guild.id, self.settings, inter)
        await self.answer(inter, text, ephemeral=True)

    @rules.sub_command(name="set", description="Change warning expiry or escalation (0: off)")
    async def rules_set(
        self, inter: disnake.ApplicationCommandInteraction,
        warning_expiry_days: int | None = commands.Param(
            None, description="Warnings expire after this many days"),
        escalate_mute_at: int | None = commands.Param(
            None, description="Mute at this many active warnings (0: never)"),
        escalate_mute_minutes: int | None = commands.Param(
            None, description="Length of that mute in minutes"),
        escalate_kick_at: int | None = commands.Param(
            None, description="Kick at this many active warnings (0: never)"),
        escalate_ban_at: int | None = commands.Param(
            None, description="Ban at this many active warnings (0: never)"),
    ) -> None:
        """Change the given values (validated like the config file; a bad one: nothing)."""
        assert inter.guild is not None
        try:
            checks.require_permission(inter.author, "manage_guild", self.bot)
        except Refusal as exc:
            await self.answer(inter, exc.in_locale(TEXTS.to(inter)), ephemeral=True)
            return
        outcome = await overrides.change(RULES, inter.guild.id, self.settings, {
            "warning_expiry_days": warning_expiry_days, "escalate_mute_at": escalate_mute_at,
            "escalate_mute_minutes": escalate_mute_minutes,
            "escalate_kick_at": escalate_kick_at, "escalate_ban_at": escalate_ban_at,
        }, actor_id=inter.author.id, reader=inter)
        await self.answer(inter, outcome.text, ephemeral=not outcome.ok)
