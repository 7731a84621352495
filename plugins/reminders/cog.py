"""``/remind``, ``/reminders list|cancel``, ``/reminders admin list|cancel`` (moderators,
see :mod:`plugins.reminders.admin`) and ``/timezone set|show``.

Bad input raises ``commands.BadArgument`` so core's error handler answers ephemerally and
nothing is written. Replies use the bot's default allowed mentions (none): reminder text
echoed back never pings.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands

from core.plugins.api import Speaker
from plugins.reminders import admin, service
from plugins.reminders.models import Reminder
from plugins.reminders.parsing import format_duration
from plugins.reminders.service import NewReminder, ReminderError
from plugins.reminders.settings import RemindersSettings
from plugins.reminders.texts import TEXTS

if TYPE_CHECKING:
    from core.plugins.api import BotLike

log = logging.getLogger(__name__)
GUILD_ONLY = disnake.InteractionContextTypes(guild=True)
LIST_PREVIEW = 40
LIST_BUDGET = 1800


def channel_link(guild_id: int | None, channel_id: int) -> str:
    """A link to a channel (``@me`` for DMs)."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}"


def preview(text: str) -> str:
    """One line of at most ``LIST_PREVIEW`` characters, markdown escaped."""
    flat = " ".join(text.split())
    if len(flat) > LIST_PREVIEW:
        flat = flat[: LIST_PREVIEW - 1] + "…"
    return disnake.utils.escape_markdown(flat)


def list_text(rows: list[Reminder], zone: str, t: Speaker) -> str:
    """The ``/reminders list`` answer, cut to fit one message."""
    if not rows:
        return t("list.none")
    lines = [t("list.title", count=len(rows))]
    for shown, row in enumerate(rows):
        stamp = int(row.remind_at.timestamp())
        repeat = (t("list.every", every=format_duration(row.repeat_seconds))
                  if row.repeat_seconds else "")
        line = f"`#{row.id}` <t:{stamp}:f>{repeat}: {preview(row.message)}"
        if sum(len(x) + 1 for x in lines) + len(line) > LIST_BUDGET:
            lines.append(t("list.more", count=len(rows) - shown))
            break
        lines.append(line)
    lines.append(t("list.zone", zone=zone))
    return "\n".join(lines)


class Reminders(commands.Cog):
    """Setting, listing and cancelling reminders, and the user's time zone."""

    def __init__(self, bot: BotLike, settings: RemindersSettings) -> None:
        self.bot = bot
        self.settings = settings

    @commands.slash_command(name="remind", description="Remind you of something later",
                            contexts=GUILD_ONLY)
    async def remind(
        self,
        inter: disnake.ApplicationCommandInteraction,
        when: str = commands.Param(
            description="10m, 1h30m, in 3 hours, 2d, tomorrow 9am, 2026-12-01 09:00",
            max_length=64,
        ),
        text: str = commands.Param(description="What to remind you of (up to 1,500 characters)"),
        every: str | None = commands.Param(
            default=None, description="Repeat, e.g. every 1d (at least every hour)",
            max_length=64,
        ),
    ) -> None:
        """Store the reminder and confirm it publicly (the reminder links back here)."""
        request = NewReminder(
            user_id=inter.author.id, channel_id=inter.channel_id,
            guild_id=inter.guild_id, when=when, text=text, every=every,
            jump_url=channel_link(inter.guild_id, inter.channel_id),
        )
        try:
            row = await service.create(request, self.settings)
        except ReminderError as exc:
            raise commands.BadArgument(exc.localized_text(TEXTS.to(inter).format_locale)) from None
        t = TEXTS.to(inter)
        stamp = int(row.remind_at.timestamp())
        repeat = (t("set.then_every", every=format_duration(row.repeat_seconds))
                  if row.repeat_seconds else "")
        await inter.response.send_message(t(
            "set.done", id=str(row.id), at=f"<t:{stamp}:f>", relative=f"<t:{stamp}:R>",
            repeat=repeat,
        ))
        try:
            message = await inter.original_response()
            await service.set_jump_url(row.id, message.jump_url)
        except (disnake.HTTPException, OSError):
            log.info("reminder %s: keeping the channel link", row.id)

    @commands.slash_command(name="reminders", description="Your reminders",
                            contexts=GUILD_ONLY)
    async def reminders(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the reminders subcommands."""

    @reminders.sub_command(name="list", description="List your active reminders")
    async def reminders_list(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Only the invoker's, soonest first (ephemeral)."""
        rows = await service.active(inter.author.id)
        zone = await service.timezone_name(inter.author.id)
        await inter.response.send_message(list_text(rows, zone, TEXTS.to(inter)), ephemeral=True)

    @reminders.sub_command(name="cancel", description="Cancel one of your reminders")
    async def reminders_cancel(
        self,
        inter: disnake.ApplicationCommandInteraction,
        id: int = commands.Param(description="The reminder number (see /reminders list)",
                                 ge=1, le=2**31 - 1),
    ) -> None:
        """Delete one of the invoker's own active reminders."""
        try:
            row = await service.cancel(inter.author.id, id)
        except ReminderError as exc:
            raise commands.BadArgument(exc.localized_text(TEXTS.to(inter).format_locale)) from None
        await inter.response.send_message(
            TEXTS.to(inter)("cancel.done", id=str(row.id), text=preview(row.message)),
            ephemeral=True,
        )

    @reminders.sub_command_group(name="admin", description="Moderators: a member's reminders")
    async def reminders_admin(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the moderator subcommands."""

    @reminders_admin.sub_command(
        name="list", description="List a member's active reminders set in this server"
    )
    async def reminders_admin_list(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.User = commands.Param(description="Whose reminders"),
    ) -> None:
        """Manage Messages; ephemeral; only reminders set in this guild."""
        admin.require_moderator(inter.author)
        assert inter.guild_id is not None
        rows = await service.active_in_guild(inter.guild_id, member.id)
        await inter.response.send_message(
            admin.member_list_text(member, rows, TEXTS.to(inter)), ephemeral=True,
            allowed_mentions=admin.NO_MENTIONS,
        )

    @reminders_admin.sub_command(
        name="cancel", description="Cancel a member's reminder (or all) set in this server"
    )
    async def reminders_admin_cancel(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.User = commands.Param(description="Whose reminders"),
        id: int | None = commands.Param(
            default=None, description="One reminder number; leave out to cancel all",
            ge=1, le=2**31 - 1,
        ),
    ) -> None:
        """Manage Messages; deletes the member's active reminders set in this guild."""
        admin.require_moderator(inter.author)
        assert inter.guild_id is not None
        try:
            rows = await service.cancel_in_guild(inter.guild_id, member.id, id)
        except ReminderError as exc:
            raise commands.BadArgument(exc.localized_text(TEXTS.to(inter).format_locale)) from None
        log.info("moderator %s cancelled reminders %s of user %s in guild %s",
                 inter.author.id, [row.id for row in rows], member.id, inter.guild_id)
        await inter.response.send_message(
            admin.cancelled_text(member, rows, TEXTS.to(inter)), ephemeral=True,
            allowed_mentions=admin.NO_MENTIONS,
        )

    @commands.slash_command(name="timezone", description="Your time zone for reminders")
    async def timezone(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Parent of the timezone subcommands."""

    @timezone.sub_command(name="set", description="Set your time zone (IANA name)")
    async def timezone_set(
        self,
        inter: disnake.ApplicationCommandInteraction,
        name: str = commands.Param(description="e.g. Europe/Paris, America/New_York, UTC",
                                   max_length=64),
    ) -> None:
        """Store the zone absolute reminder times are read in."""
        try:
            zone = await service.set_timezone(inter.author.id, name)
        except ReminderError as exc:
            raise commands.BadArgument(exc.localized_text(TEXTS.to(inter).format_locale)) from None
        await inter.response.send_message(TEXTS.to(inter)("zone.set", zone=zone), ephemeral=True)

    @timezone.sub_command(name="show", description="Show your time zone")
    async def timezone_show(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """The stored zone, or UTC."""
        zone = await service.timezone_name(inter.author.id)
        await inter.response.send_message(TEXTS.to(inter)("zone.show", zone=zone), ephemeral=True)
