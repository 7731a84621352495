"""``/privacy export`` and ``/privacy delete``: a user's own data, on request.

Export sends a JSON file of everything stored about the invoker by DM (or, when DMs are
closed, as a file only they can see). Delete first shows what goes and what is kept, with
"Delete my data" and "Cancel" buttons visible only to the invoker; the buttons carry the
user id and an expiry, so they work on any worker process and after a restart, and a
click by anyone else (or after the expiry) changes nothing. Both write out this process's
buffered data first, so nothing recorded before the request escapes it.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

import disnake
from disnake.ext import commands
from disnake.interactions import ApplicationCommandInteraction, MessageInteraction

from core.bot.mentions import NO_MENTIONS
from core.bot.texts import TEXTS
from core.i18n.texts import Speaker
from core.services import privacy

if TYPE_CHECKING:
    from core.bot.guildhall_bot import GuildhallBot

CONFIRM_SECONDS = 120
MAX_REMEMBERED = 10_000  # cooldown entries kept before expired ones are dropped
PREFIX = "privacy:"


def deletion_text(report: privacy.DeletionReport, t: Speaker | None = None) -> str:
    """The reply after a deletion: counts per part, what was kept, or what to retry."""
    t = t or TEXTS.english()
    parts = ", ".join(
        f"{name} {t.number(count)}" for name, count in sorted(report.rows.items()) if count
    )
    if not report.complete:
        return t("privacy.partial", failed=", ".join(report.failed), total=report.total)
    if report.total == 0:
        return t("privacy.nothing_left") + " " + t("privacy.kept")
    return t("privacy.deleted", total=report.total, parts=parts) + " " + t("privacy.kept")


class Privacy(commands.Cog):
    """The ``/privacy`` commands and the deletion buttons."""

    def __init__(self, bot: GuildhallBot) -> None:
        self.bot = bot
        self._last_request: dict[tuple[str, int], float] = {}

    def _check_cooldown(self, kind: str, user_id: int) -> None:
        """Raise ``CommandOnCooldown`` when ``user_id`` made a ``kind`` request too recently."""
        period = self.bot.settings.privacy.request_cooldown_seconds
        now = time.monotonic()
        if len(self._last_request) > MAX_REMEMBERED:  # forget requests past their cooldown
            self._last_request = {
                key: at for key, at in self._last_request.items() if now - at < period
            }
        last = self._last_request.get((kind, user_id))
        if last is not None and now - last < period:
            cooldown = commands.Cooldown(1, period)
            raise commands.CommandOnCooldown(cooldown, period - (now - last),
                                             commands.BucketType.user)
        self._last_request[(kind, user_id)] = now

    @commands.slash_command(name="privacy", description="Your data stored by this bot")
    async def privacy_slash(self, inter: ApplicationCommandInteraction) -> None:
        """Parent of the privacy subcommands."""

    @privacy_slash.sub_command(
        name="export", description="Get a file of everything stored about you"
    )
    async def export(self, inter: ApplicationCommandInteraction) -> None:
        """Send the invoker their data as a JSON file (DM, else an ephemeral reply)."""
        self._check_cooldown("export", inter.author.id)
        t = TEXTS.to(inter)
        await inter.response.defer(ephemeral=True)
        await self.bot.flush()
        data = await privacy.export_user(self.bot.plugins, inter.author.id)
        try:
            name, content = privacy.export_file(data)
        except privacy.ExportTooLarge:
            await inter.edit_original_response(t("privacy.too_large"))
            return
        note = ""
        if data["incomplete"]:
            note = " " + t("privacy.missing", parts=", ".join(data["incomplete"]))
        try:
            await inter.author.send(
                t("privacy.export_dm") + note,
                file=disnake.File(io.BytesIO(content), filename=name),
                allowed_mentions=NO_MENTIONS,
            )
        except disnake.HTTPException:
            await inter.edit_original_response(
                t("privacy.export_here") + note,
                file=disnake.File(io.BytesIO(content), filename=name),
                allowed_mentions=NO_MENTIONS,
            )
            return
        await inter.edit_original_response(t("privacy.export_sent") + note)

    @privacy_slash.sub_command(
        name="delete", description="Delete everything stored about you (asks first)"
    )
    async def delete(self, inter: ApplicationCommandInteraction) -> None:
        """Ask for confirmation with buttons only the invoker sees."""
        user_id, expires = inter.author.id, int(time.time()) + CONFIRM_SECONDS
        t = TEXTS.to(inter)
        buttons = [
            disnake.ui.Button(style=disnake.ButtonStyle.danger, label=t("privacy.delete_button"),
                              custom_id=f"{PREFIX}delete:{user_id}:{expires}"),
            disnake.ui.Button(style=disnake.ButtonStyle.secondary, label=t("privacy.cancel"),
                              custom_id=f"{PREFIX}cancel:{user_id}:{expires}"),
        ]
        prompt = "\n".join([t("privacy.prompt"), t("privacy.kept"),
                            t("privacy.prompt_time", minutes=CONFIRM_SECONDS // 60)])
        await inter.response.send_message(
            prompt, components=buttons, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @commands.Cog.listener("on_button_click")
    async def on_button_click(self, inter: MessageInteraction) -> None:
        """Handle the "Delete my data" and "Cancel" buttons of ``/privacy delete``."""
        custom_id = inter.component.custom_id or ""
        if not custom_id.startswith(PREFIX):
            return
        action, _, rest = custom_id[len(PREFIX):].partition(":")
        owner, _, expires = rest.partition(":")
        if not owner.isdigit() or not expires.isdigit() or action not in ("delete", "cancel"):
            return
        t = TEXTS.to(inter)
        if inter.author.id != int(owner):
            await inter.response.send_message(t("privacy.not_yours"), ephemeral=True)
            return
        if action == "cancel":
            await inter.response.edit_message(t("privacy.cancelled"), components=[])
            return
        if time.time() > int(expires):
            await inter.response.edit_message(t("privacy.expired"), components=[])
            return
        try:
            self._check_cooldown("delete", inter.author.id)
        except commands.CommandOnCooldown as exc:
            await inter.response.edit_message(
                t("privacy.too_soon", seconds=f"{exc.retry_after:.0f}"), components=[]
            )
            return
        await inter.response.edit_message(t("privacy.deleting"), components=[])
        await self.bot.flush()
        report = await privacy.delete_user(self.bot.plugins, inter.author.id)
        await inter.followup.send(deletion_text(report, t), ephemeral=True,
                                  allowed_mentions=NO_MENTIONS)
