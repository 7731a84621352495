"""``/welcome`` (Manage Server) and the member-join listener.

On join the guild's template is rendered through core's safe renderer and posted in the
welcome channel and/or sent by DM, pinging only the newcomer. The join role is given on
join, or, for a member still pending membership screening, on the member update that
clears ``pending`` (for a member the cache does not hold, ``[bot] profile = "large"``, on
the raw update of a joiner recorded in :mod:`plugins.welcome.screening`); each grant
first asks :func:`core.services.role_rule.may_grant`.
"""

from __future__ import annotations

import logging

import disnake
from disnake.ext import commands

from core.plugins.api import (
    GUILD_ONLY,
    BotLike,
    Speaker,
    actor_facts,
    bot_facts,
    neutralise,
    non_urgent,
    only_user,
    require_manage_guild,
    role_facts,
    role_rule,
)
from plugins.welcome import service
from plugins.welcome.screening import AwaitingScreening
from plugins.welcome.service import Newcomer, Welcome
from plugins.welcome.settings import WelcomeConfig
from plugins.welcome.texts import TEXTS

log = logging.getLogger(__name__)
Inter = disnake.ApplicationCommandInteraction
NO_MENTIONS = disnake.AllowedMentions.none()
MAX_MESSAGE = 2000


def newcomer(member: disnake.Member) -> Newcomer:
    """The plain values a template may show about ``member``."""
    guild = member.guild
    return Newcomer(member.id, member.name, member.display_name, guild.name,
                    guild.member_count or len(guild.members))


def shown(text: str) -> str:
    """User text made safe to echo (no markdown, no mass or role mentions)."""
    return neutralise(disnake.utils.escape_markdown(text))


def fit(head: str, text: str) -> str:
    """``head`` + ``text``, the text cut so the message stays within Discord's limit."""
    room = MAX_MESSAGE - len(head)
    return head + (text if len(text) <= room else text[: room - 1] + "…")


class WelcomeCog(commands.Cog, name="Welcome"):
    """Welcome messages and the join role."""

    def __init__(self, bot: BotLike, settings: WelcomeConfig) -> None:
        self.bot = bot
        self.settings = settings
        self.awaiting = AwaitingScreening()  # pending joiners the member cache lacks

    async def cog_slash_command_check(self, inter: Inter) -> bool:
        """Every ``/welcome`` command needs Manage Server."""
        require_manage_guild(inter.author)
        return True

    async def setup(self, guild_id: int) -> Welcome:
        """The guild's welcome setup."""
        return await service.current(self.bot.guild_configs, guild_id,
                                     self.settings.default_template)

    async def _reply(self, inter: Inter, text: str) -> None:
        await inter.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- sending -------------------------------------------------------------------------

    async def greet(
        self, member: disnake.Member, welcome: Welcome, t: Speaker | None = None
    ) -> list[str]:
        """Post and/or DM the welcome for ``member``; return where it went (in ``t``'s
        locale, English without one)."""
        text = service.render(welcome.template, newcomer(member))
        sent: list[str] = []
        if welcome.channel_id is not None:
            try:
                await self.bot.get_partial_messageable(welcome.channel_id).send(
                    text, allowed_mentions=only_user(member))
                sent.append(f"<#{welcome.channel_id}>")
            except (disnake.NotFound, disnake.Forbidden) as exc:
                log.info("welcome in guild %s: channel %s unusable (%s)",
                         member.guild.id, welcome.channel_id, exc.status)
        if welcome.dm:
            try:
                await member.send(text, allowed_mentions=only_user(member))
                sent.append((t or TEXTS.english())("direct_message"))
            except (disnake.NotFound, disnake.Forbidden) as exc:
                log.info("welcome DM to %s refused (%s)", member.id, exc.status)
        return sent

    async def give_role(self, member: disnake.Member, role_id: int) -> bool:
        """Give the join role if it exists, is missing and the role rule allows it now."""
        role = member.guild.get_role(role_id)
        if role is None or member.get_role(role_id) is not None:
            return False
        if await role_rule.may_grant(self.bot, member.guild, role,
                                     TEXTS.phrase("role_purpose")) is not None:
            return False
        try:
            await member.add_roles(role, reason="Join role")
        except (disnake.NotFound, disnake.Forbidden) as exc:
            log.info("join role %s for %s not given (%s)", role_id, member.id, exc.status)
            return False
        return True

    @commands.Cog.listener()
    async def on_member_join(self, member: disnake.Member) -> None:
        """Give the join role (unless screening is still pending), then welcome (bulk
        REST work in a join wave: it waits while the invalid-request breaker is open)."""
        if member.bot:
            return
        welcome = await self.setup(member.guild.id)
        with non_urgent():
            if welcome.role_id is not None and not member.pending:
                await self.give_role(member, welcome.role_id)
            elif welcome.role_id is not None and member.guild.get_member(member.id) is None:
                self.awaiting.add(member.guild.id, member.id)  # no cached member to compare
            if welcome.active:
                await self.greet(member, welcome)

    @commands.Cog.listener()
    async def on_member_update(self, before: disnake.Member, after: disnake.Member) -> None:
        """A cached member passed membership screening: give the join role now."""
        if after.bot or not before.pending or after.pending:
            return
        await self.screening_passed(after)

    @commands.Cog.listener()
    async def on_raw_member_update(self, member: disnake.Member) -> None:
        """A pending joiner the cache does not hold passed screening: give the join role."""
        if member.pending or member.guild.get_member(member.id) is not None:
            return  # still pending, or cached (``on_member_update`` compares)
        if self.awaiting.pop(member.guild.id, member.id):
            await self.screening_passed(member)

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: disnake.RawGuildMemberRemoveEvent) -> None:
        """A pending joiner left: forget them."""
        self.awaiting.pop(payload.guild_id, payload.user.id)

    async def screening_passed(self, member: disnake.Member) -> None:
        """Give the guild's join role, if one is set, to ``member`` who passed screening."""
        role_id = (await self.bot.guild_configs.get(member.guild.id)).auto_role_id
        if role_id is not None:
            with non_urgent():
                await self.give_role(member, role_id)

    # -- /welcome ------------------------------------------------------------------------

    @commands.slash_command(name="welcome", description="Welcome messages (Manage Server)",
                            contexts=GUILD_ONLY)
    async def welcome(self, inter: Inter) -> None:
        """Parent of the welcome subcommands."""

    @welcome.sub_command(name="set", description="Post the welcome in this channel")
    async def set_channel(
        self, inter: Inter,
        channel: disnake.TextChannel = commands.Param(description="Where to post it"),
    ) -> None:
        """Store the welcome channel."""
        assert inter.guild is not None
        await service.set_channel(
            self.bot.guild_configs, inter.guild.id, channel.id,
            {c.id for c in inter.guild.channels}, actor_id=inter.author.id, source="slash")
        await self._reply(inter, TEXTS.to(inter)("channel_set", channel=f"<#{channel.id}>"))

    @welcome.sub_command(name="message", description="The welcome text")
    async def message(
        self, inter: Inter,
        text: str = commands.Param(description=f"Up to 2,000 characters; {service.TOKENS}",
                                   max_length=2000),
    ) -> None:
        """Store the template and show a preview for the invoker."""
        assert inter.guild is not None and isinstance(inter.author, disnake.Member)
        row = await service.set_template(inter.guild.id, text, inter.author.id, "slash",
                                         self.settings.default_template)
        preview = service.render(row.template, newcomer(inter.author))
        await self._reply(inter, fit(TEXTS.to(inter)("saved") + "\n", preview))

    @welcome.sub_command(name="dm", description="Also send the welcome by direct message")
    async def dm(
        self, inter: Inter,
        state: str = commands.Param(choices=["on", "off"], description="on or off"),
    ) -> None:
        """Turn the DM copy on or off."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if state not in ("on", "off"):
            raise service.WelcomeError("choose_on_off")
        await service.set_dm(inter.guild.id, state == "on", inter.author.id, "slash",
                             self.settings.default_template)
        await self._reply(inter, t("dm_set", state=t(f"state.{state}")))

    @welcome.sub_command(name="test", description="Send the welcome for yourself")
    async def test(self, inter: Inter) -> None:
        """Send the welcome as if the invoker had just joined (channel and/or DM)."""
        assert inter.guild is not None and isinstance(inter.author, disnake.Member)
        welcome = await self.setup(inter.guild.id)
        t = TEXTS.to(inter)
        if not welcome.active:
            await self._reply(inter, t("not_set_up"))
            return
        await inter.response.defer(ephemeral=True)
        sent = await self.greet(inter.author, welcome, t)
        text = (t("test_sent", places=t("and").join(sent)) if sent else t("test_failed"))
        await inter.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @welcome.sub_command(name="show", description="Show the welcome settings")
    async def show(self, inter: Inter) -> None:
        """Channel, DM switch, join role and the template."""
        assert inter.guild is not None
        welcome = await self.setup(inter.guild.id)
        t = TEXTS.to(inter)
        channel = f"<#{welcome.channel_id}>" if welcome.channel_id else t("no_channel")
        role = inter.guild.get_role(welcome.role_id) if welcome.role_id else None
        role_text = shown(role.name) if role else t("none")
        head = t("show", channel=channel, dm=t("state.on") if welcome.dm else t("state.off"),
                 role=role_text) + "\n"
        await self._reply(inter, fit(head, shown(welcome.template)))

    @welcome.sub_command(name="off", description="Stop welcome messages (channel and DM)")
    async def off(self, inter: Inter) -> None:
        """No channel, no DM; the text and join role stay."""
        assert inter.guild is not None
        await service.turn_off(self.bot.guild_configs, inter.guild.id, inter.author.id,
                               "slash", self.settings.default_template)
        await self._reply(inter, TEXTS.to(inter)("off"))

    @welcome.sub_command_group(name="autorole", description="The role given on join")
    async def autorole(self, inter: Inter) -> None:
        """Parent of the join role subcommands."""

    @autorole.sub_command(name="set", description="Give this role to every new member")
    async def autorole_set(
        self, inter: Inter, role: disnake.Role = commands.Param(description="The role"),
    ) -> None:
        """Store the join role after the role rule."""
        assert inter.guild is not None and isinstance(inter.author, disnake.Member)
        await service.set_auto_role(
            self.bot.guild_configs, inter.guild.id, role_facts(role),
            actor_facts(inter.author), bot_facts(inter.guild), source="slash")
        await self._reply(inter, TEXTS.to(inter)("role_set", role=shown(role.name)))

    @autorole.sub_command(name="clear", description="Give no role on join")
    async def autorole_clear(self, inter: Inter) -> None:
        """Remove the join role."""
        assert inter.guild is not None and isinstance(inter.author, disnake.Member)
        await service.set_auto_role(
            self.bot.guild_configs, inter.guild.id, None, actor_facts(inter.author),
            bot_facts(inter.guild), source="slash")
        await self._reply(inter, TEXTS.to(inter)("role_cleared"))
