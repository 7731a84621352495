"""``/rank [member]`` and ``/leaderboard [page]`` with Previous/Next buttons.

Both flush pending XP first, so they show exactly what was earned. Leaderboard buttons
carry the page, the invoker and the page's edge row in their custom id
(``lvl:lb:<page>:<user id>:<xp>:<member id>:<n|p>``), so they keep working after a
restart and turn pages by keyset (the rows after the last one shown, or before the first
one): as fast on page 50,000 as on page 2, where an OFFSET would skip every row above.
A jump by ``/leaderboard page`` uses the OFFSET. Only the member who ran ``/leaderboard``
can turn its pages (the message is shared, so pages turned by others would jump under
the invoker's eyes); others are told to run the command themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import disnake
from disnake.ext import commands

from core.plugins.api import GUILD_ONLY, Speaker, xp
from plugins.leveling.cog import Leveling
from plugins.leveling.texts import TEXTS

PAGE_SIZE = 10
MAX_PAGE = 100_000
BUTTON_PREFIX = "lvl:lb:"
Anchor = tuple[int, int, bool]  # (xp, user id, forward) of the row a page starts after


def display_name(guild: disnake.Guild, user_id: int, fallback: str) -> str:
    """The member's name as shown in the guild, made safe for Markdown and mentions."""
    member = guild.get_member(user_id)
    name = member.display_name if member is not None else fallback
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(name))


def page_buttons(
    page: int, owner_id: int, has_next: bool, rows: Sequence[xp.BoardRow] = (),
    labels: tuple[str, str] = ("Previous", "Next"),
) -> list[disnake.ui.Button]:
    """Previous/Next buttons (``labels``) for ``page`` (showing ``rows``) opened by
    ``owner_id``."""
    before = f":{rows[0].xp}:{rows[0].user_id}:p" if rows else ""
    after = f":{rows[-1].xp}:{rows[-1].user_id}:n" if rows else ""
    return [
        disnake.ui.Button(
            label=labels[0], style=disnake.ButtonStyle.secondary,
            custom_id=f"{BUTTON_PREFIX}{page - 1}:{owner_id}{before}", disabled=page <= 1,
        ),
        disnake.ui.Button(
            label=labels[1], style=disnake.ButtonStyle.secondary,
            custom_id=f"{BUTTON_PREFIX}{page + 1}:{owner_id}{after}", disabled=not has_next,
        ),
    ]


def parse_button(custom_id: str) -> tuple[int, int, Anchor | None] | None:
    """``(page, owner id, anchor)`` from a leaderboard button id (``None``: not one).

    Ids without an anchor (``lvl:lb:<page>:<owner>``, older messages) page by OFFSET.
    """
    if not custom_id.startswith(BUTTON_PREFIX):
        return None
    parts = custom_id.removeprefix(BUTTON_PREFIX).split(":")
    try:
        if len(parts) == 2:
            return int(parts[0]), int(parts[1]), None
        if len(parts) == 5 and parts[4] in ("n", "p"):
            anchor = (int(parts[2]), int(parts[3]), parts[4] == "n")
            return int(parts[0]), int(parts[1]), anchor
    except ValueError:
        return None
    return None


class Board(commands.Cog):
    """Rank and leaderboard commands."""

    def __init__(self, leveling: Leveling) -> None:
        self.leveling = leveling

    async def rank_text(self, guild: disnake.Guild, member: disnake.Member, t: Speaker) -> str:
        """The ``/rank`` answer for ``member``, in ``t``'s locale."""
        await self.leveling.write_xp(guild.id)
        total, _ = await xp.member_xp(guild.id, member.id)
        p = xp.progress(total)
        position = await xp.rank_position(guild.id, total)
        _, global_level = await xp.global_xp(member.id)
        name = display_name(guild, member.id, member.name)
        return t(
            "rank.text", name=name, level=p.level, total=total, into=p.into_level,
            span=p.level_span, remaining=p.remaining, next_level=p.level + 1,
            position=position, global_level=global_level,
        )

    async def board_page(
        self, guild: disnake.Guild, page: int, owner_id: int, anchor: Anchor | None = None,
        t: Speaker | None = None,
    ) -> tuple[str, list[disnake.ui.Button]]:
        """The text and buttons of leaderboard ``page`` (1-based), by keyset from
        ``anchor`` when given (a button), else by OFFSET; in ``t``'s locale (English)."""
        t = t or TEXTS.english()
        await self.leveling.write_xp(guild.id)
        rows, has_next = await self._page_rows(guild.id, page, anchor)
        if not rows:
            if page == 1:
                return t("board.empty"), []
            raise commands.BadArgument(t("board.no_page", page=page))
        lines = [t("board.title", guild=disnake.utils.escape_markdown(guild.name), page=page)]
        for i, row in enumerate(rows, start=(page - 1) * PAGE_SIZE + 1):
            name = display_name(guild, row.user_id, row.username)
            lines.append(t("board.row", position=str(i), name=name, level=row.level, xp=row.xp))
        labels = (t("board.previous"), t("board.next"))
        return "\n".join(lines), page_buttons(page, owner_id, has_next, rows, labels)

    async def _page_rows(
        self, guild_id: int, page: int, anchor: Anchor | None
    ) -> tuple[list[xp.BoardRow], bool]:
        if anchor is not None:
            after_xp, after_user, forward = anchor
            if forward:
                rows = await xp.leaderboard_from(guild_id, after_xp, after_user, PAGE_SIZE + 1)
                if rows:
                    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
            else:
                rows = await xp.leaderboard_from(
                    guild_id, after_xp, after_user, PAGE_SIZE, forward=False)
                if len(rows) == PAGE_SIZE:
                    return rows, True  # the anchor's row comes after this page
            # the board changed under the buttons: fall back to the page by position
        rows = await xp.leaderboard(guild_id, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE

    @commands.slash_command(name="rank", description="Your level and rank, or a member's",
                            contexts=GUILD_ONLY)
    async def rank(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member | None = commands.Param(None, description="Whose rank"),
    ) -> None:
        """Show a member's level, progress, position in the guild and global level."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(t("disabled"), ephemeral=True)
            return
        target = member or inter.author
        assert isinstance(target, disnake.Member)
        if target.bot:
            raise commands.BadArgument(t("bots_earn_nothing"))
        await inter.response.send_message(await self.rank_text(inter.guild, target, t))

    @commands.slash_command(name="leaderboard", description="Members with the most XP",
                            contexts=GUILD_ONLY)
    async def leaderboard(
        self,
        inter: disnake.ApplicationCommandInteraction,
        page: int = commands.Param(1, description="Page (10 members each)"),
    ) -> None:
        """Show a page of the guild's leaderboard with buttons to turn pages."""
        assert inter.guild is not None
        t = TEXTS.to(inter)
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(t("disabled"), ephemeral=True)
            return
        if not 1 <= page <= MAX_PAGE:
            raise commands.BadArgument(t("board.page_range", max=MAX_PAGE))
        text, buttons = await self.board_page(inter.guild, page, inter.author.id, t=t)
        await inter.response.send_message(text, components=buttons)

    @commands.Cog.listener("on_button_click")
    async def turn_page(self, inter: disnake.MessageInteraction) -> None:
        """Previous/Next on a leaderboard: only its invoker may turn the pages."""
        parsed = parse_button(inter.component.custom_id or "")
        if parsed is None or inter.guild is None:
            return
        page, owner_id, anchor = parsed
        t = TEXTS.to(inter)
        if inter.author.id != owner_id:
            await inter.response.send_message(t("board.not_owner"), ephemeral=True)
            return
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(t("disabled"), ephemeral=True)
            return
        if not 1 <= page <= MAX_PAGE:
            await inter.response.send_message(t("board.no_such_page"), ephemeral=True)
            return
        try:
            text, buttons = await self.board_page(inter.guild, page, owner_id, anchor, t)
        except commands.BadArgument:
            text, buttons = await self.board_page(inter.guild, 1, owner_id, t=t)
        await inter.response.edit_message(text, components=buttons)
