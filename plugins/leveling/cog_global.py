"""``/global leaderboard [page]`` and ``/global optout on|off``: the top users across every
guild (names from the ``users`` table, no pings) and each user's choice to be left off."""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.plugins.api import GUILD_ONLY, Speaker, neutralise
from plugins.leveling import global_board
from plugins.leveling.texts import TEXTS

Inter = disnake.ApplicationCommandInteraction
NO_MENTIONS = disnake.AllowedMentions.none()


def board_text(rows: list[global_board.GlobalRow], number: int, pages: int, t: Speaker) -> str:
    """The board as a message (names escaped for Markdown and mentions)."""
    if not rows:
        return t("global.empty")
    lines = [t("global.title", page=number, pages=pages)]
    for row in rows:
        name = neutralise(disnake.utils.escape_mentions(
            disnake.utils.escape_markdown(row.username)))
        lines.append(t("global.row", position=str(row.position), name=name, level=row.level,
                       xp=row.xp))
    return "\n".join(lines)


class GlobalBoard(commands.Cog):
    """The global leaderboard and its opt-out."""

    @commands.slash_command(name="global", description="The leaderboard across every server",
                            contexts=GUILD_ONLY)
    async def global_(self, inter: Inter) -> None:
        """Parent of the global leaderboard subcommands."""

    @global_.sub_command(name="leaderboard", description="Users with the most XP everywhere")
    async def leaderboard(
        self, inter: Inter, page: int = commands.Param(1, description="Page (10 users each)"),
    ) -> None:
        """One page of the global board."""
        try:
            rows, pages = await global_board.page(page)
        except global_board.PageOutOfRange as exc:
            raise commands.BadArgument(exc.localized_text(TEXTS.to(inter).format_locale)) from None
        await inter.response.send_message(board_text(rows, page, pages, TEXTS.to(inter)),
                                          allowed_mentions=NO_MENTIONS)

    @global_.sub_command(name="optout", description="Hide or show yourself on the global board")
    async def optout(
        self, inter: Inter,
        state: str = commands.Param(choices=["on", "off"],
                                    description="on: hide me; off: show me"),
    ) -> None:
        """Store the caller's choice (it applies to the command and the public page)."""
        t = TEXTS.to(inter)
        if state not in ("on", "off"):
            raise commands.BadArgument(t("global.choose"))
        await global_board.set_opt_out(inter.author.id, state == "on")
        text = t("global.hidden") if state == "on" else t("global.shown")
        await inter.response.send_message(text, ephemeral=True)
