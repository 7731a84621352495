"""``/modlog``, ``/case``, ``/reason`` and ``/modstats``: reading and amending the log.

Case numbers are looked up in the invoking guild only; ``/reason`` appends an amendment
(the original row is never rewritten: the database would refuse).
"""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.plugins.api import GUILD_ONLY, NO_MENTIONS, BotLike, Speaker
from plugins.moderation import cases, checks
from plugins.moderation.checks import Refusal
from plugins.moderation.logpost import LABELS, case_line
from plugins.moderation.models import ModAction
from plugins.moderation.texts import TEXTS

PER_PAGE = 10
CASE_NUMBER = commands.Param(ge=1, le=2**31 - 1, description="The case number")


class ModLog(commands.Cog):
    """The moderation log commands (Timeout Members)."""

    def __init__(self, bot: BotLike) -> None:
        self.bot = bot

    async def answer(
        self, inter: disnake.ApplicationCommandInteraction, text: str, ephemeral: bool = False
    ) -> None:
        """Reply without pinging anyone."""
        await inter.response.send_message(text[:2000], ephemeral=ephemeral,
                                          allowed_mentions=NO_MENTIONS)

    async def allowed(self, inter: disnake.ApplicationCommandInteraction) -> bool:
        """Moderators only; others get an ephemeral refusal."""
        try:
            checks.require_permission(inter.author, "moderate_members", self.bot)
        except Refusal as exc:
            await self.answer(inter, exc.in_locale(TEXTS.to(inter)), ephemeral=True)
            return False
        return True

    async def lines(self, rows: list[ModAction], t: Speaker) -> list[str]:
        """One line per case, with its current (amended) reason."""
        return [case_line(row, await cases.current_reason(row), t) for row in rows]

    @commands.slash_command(name="modlog", description="Moderation history",
                            contexts=GUILD_ONLY)
    async def modlog(
        self, inter: disnake.ApplicationCommandInteraction,
        member: disnake.User | None = commands.Param(None, description="Only this user"),
        page: int = commands.Param(1, ge=1, le=100_000, description="Page"),
    ) -> None:
        """The guild's (or one user's) cases, newest first, 10 per page."""
        if not await self.allowed(inter):
            return
        assert inter.guild is not None
        rows, total = await cases.history(
            inter.guild.id, member.id if member else None, page, PER_PAGE
        )
        pages = max(1, -(-total // PER_PAGE))
        t = TEXTS.to(inter)
        if page > pages:
            await self.answer(inter, t("log.only_pages", pages=pages), ephemeral=True)
            return
        if not rows:
            await self.answer(inter, t("log.empty"))
            return
        head = t("log.title", page=page, pages=pages, total=total)
        await self.answer(inter, "\n".join([head, *await self.lines(rows, t)]))

    @commands.slash_command(name="case", description="Show one case", contexts=GUILD_ONLY)
    async def case(
        self, inter: disnake.ApplicationCommandInteraction, number: int = CASE_NUMBER
    ) -> None:
        """One case with its amendments."""
        if not await self.allowed(inter):
            return
        assert inter.guild is not None
        action = await cases.get_case(inter.guild.id, number)
        t = TEXTS.to(inter)
        if action is None:
            await self.answer(inter, t("log.no_case", case=str(number)), True)
            return
        when = f"<t:{int(action.created_at.timestamp())}:f>"
        lines = [case_line(action, t=t), t("log.recorded", when=when)]
        for amendment in await cases.amendments(inter.guild.id, number):
            lines.append(t("log.amended_by", moderator=f"<@{amendment.moderator_id}>",
                           reason=amendment.reason))
        await self.answer(inter, "\n".join(lines))

    @commands.slash_command(name="reason", description="Amend a case's reason",
                            contexts=GUILD_ONLY)
    async def reason(
        self, inter: disnake.ApplicationCommandInteraction, number: int = CASE_NUMBER,
        text: str = commands.Param(max_length=500, description="The corrected reason"),
    ) -> None:
        """Append an amendment to a case."""
        if not await self.allowed(inter):
            return
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if not await cases.amend(inter.guild.id, number, inter.author.id, text):
            await self.answer(inter, t("log.no_case", case=str(number)), True)
            return
        await self.answer(inter, t("log.amended", case=str(number), reason=text))

    @commands.slash_command(name="modstats", description="Moderation over the last 30 days",
                            contexts=GUILD_ONLY)
    async def modstats(self, inter: disnake.ApplicationCommandInteraction) -> None:
        """Most active moderators and the action distribution (30 days)."""
        if not await self.allowed(inter):
            return
        assert inter.guild is not None
        stats = await cases.modstats(inter.guild.id)
        t = TEXTS.to(inter)
        if not stats.actions:
            await self.answer(inter, t("stats.empty"))
            return
        lines = [t("stats.moderators")]
        lines += [f"<@{m}>: {t.number(n)}" for m, n in stats.moderators]
        lines.append(t("stats.actions"))
        lines += [
            f"{t(f'label.{kind}') if kind in LABELS else kind}: {t.number(n)}"
            for kind, n in stats.actions
        ]
        await self.answer(inter, "\n".join(lines))
