"""``/rank [member]`` and ``/leaderboard [page]`` with Previous/Next buttons.

Both flush pending XP first, so they show exactly what was earned. Leaderboard buttons
carry the page and the invoker in their custom id (``lvl:lb:<page>:<user id>``), so they
keep working after a restart. Only the member who ran ``/leaderboard`` can turn its pages
(the message is shared, so pages turned by others would jump under the invoker's eyes);
others are told to run the command themselves.
"""

from __future__ import annotations

import disnake
from disnake.ext import commands

from core.cogs.meta import GUILD_ONLY
from core.services import xp
from plugins.leveling.cog import Leveling

PAGE_SIZE = 10
MAX_PAGE = 100_000
BUTTON_PREFIX = "lvl:lb:"
DISABLED_TEXT = "Leveling is turned off in this server."


def display_name(guild: disnake.Guild, user_id: int, fallback: str) -> str:
    """The member's name as shown in the guild, made safe for Markdown and mentions."""
    member = guild.get_member(user_id)
    name = member.display_name if member is not None else fallback
    return disnake.utils.escape_mentions(disnake.utils.escape_markdown(name))


def page_buttons(page: int, owner_id: int, has_next: bool) -> list[disnake.ui.Button]:
    """Previous/Next buttons for ``page`` of a leaderboard opened by ``owner_id``."""
    return [
        disnake.ui.Button(
            label="Previous", style=disnake.ButtonStyle.secondary,
            custom_id=f"{BUTTON_PREFIX}{page - 1}:{owner_id}", disabled=page <= 1,
        ),
        disnake.ui.Button(
            label="Next", style=disnake.ButtonStyle.secondary,
            custom_id=f"{BUTTON_PREFIX}{page + 1}:{owner_id}", disabled=not has_next,
        ),
    ]


def parse_button(custom_id: str) -> tuple[int, int] | None:
    """``(page, owner id)`` from a leaderboard button id, or ``None`` if it is not one."""
    if not custom_id.startswith(BUTTON_PREFIX):
        return None
    try:
        page, owner = custom_id.removeprefix(BUTTON_PREFIX).split(":")
        return int(page), int(owner)
    except ValueError:
        return None


class Board(commands.Cog):
    """Rank and leaderboard commands."""

    def __init__(self, leveling: Leveling) -> None:
        self.leveling = leveling

    async def rank_text(self, guild: disnake.Guild, member: disnake.Member) -> str:
        """The ``/rank`` answer for ``member``."""
        await self.leveling.flush()
        total, _ = await xp.member_xp(guild.id, member.id)
        p = xp.progress(total)
        position = await xp.rank_position(guild.id, total)
        _, global_level = await xp.global_xp(member.id)
        name = display_name(guild, member.id, member.name)
        return (
            f"**{name}** is level **{p.level}** with {total:,} XP: "
            f"{p.into_level:,}/{p.level_span:,} XP into level {p.level}, "
            f"{p.remaining:,} XP to level {p.level + 1}. "
            f"Rank **#{position:,}** in this server. Global level {global_level}."
        )

    async def board_page(
        self, guild: disnake.Guild, page: int, owner_id: int
    ) -> tuple[str, list[disnake.ui.Button]]:
        """The text and buttons of leaderboard ``page`` (1-based)."""
        await self.leveling.flush()
        rows = await xp.leaderboard(guild.id, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        has_next = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        if not rows:
            if page == 1:
                return "Nobody has earned XP here yet.", []
            raise commands.BadArgument(f"there is no page {page}; the leaderboard is shorter")
        title = f"**Leaderboard of {disnake.utils.escape_markdown(guild.name)}** (page {page})"
        lines = [title]
        for i, row in enumerate(rows, start=(page - 1) * PAGE_SIZE + 1):
            name = display_name(guild, row.user_id, row.username)
            lines.append(f"`#{i}` {name}: level {row.level} ({row.xp:,} XP)")
        return "\n".join(lines), page_buttons(page, owner_id, has_next)

    @commands.slash_command(name="rank", description="Your level and rank, or a member's",
                            contexts=GUILD_ONLY)
    async def rank(
        self,
        inter: disnake.ApplicationCommandInteraction,
        member: disnake.Member | None = commands.Param(None, description="Whose rank"),
    ) -> None:
        """Show a member's level, progress, position in the guild and global level."""
        assert inter.guild is not None
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(DISABLED_TEXT, ephemeral=True)
            return
        target = member or inter.author
        assert isinstance(target, disnake.Member)
        if target.bot:
            raise commands.BadArgument("bots do not earn XP")
        await inter.response.send_message(await self.rank_text(inter.guild, target))

    @commands.slash_command(name="leaderboard", description="Members with the most XP",
                            contexts=GUILD_ONLY)
    async def leaderboard(
        self,
        inter: disnake.ApplicationCommandInteraction,
        page: int = commands.Param(1, description="Page (10 members each)"),
    ) -> None:
        """Show a page of the guild's leaderboard with buttons to turn pages."""
        assert inter.guild is not None
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(DISABLED_TEXT, ephemeral=True)
            return
        if not 1 <= page <= MAX_PAGE:
            raise commands.BadArgument(f"the page must be between 1 and {MAX_PAGE:,}")
        text, buttons = await self.board_page(inter.guild, page, inter.author.id)
        await inter.response.send_message(text, components=buttons)

    @commands.Cog.listener("on_button_click")
    async def turn_page(self, inter: disnake.MessageInteraction) -> None:
        """Previous/Next on a leaderboard: only its invoker may turn the pages."""
        parsed = parse_button(inter.component.custom_id or "")
        if parsed is None or inter.guild is None:
            return
        page, owner_id = parsed
        if inter.author.id != owner_id:
            await inter.response.send_message(
                "Only the member who ran this leaderboard can turn its pages; "
                "run `/leaderboard` to browse it yourself.",
                ephemeral=True,
            )
            return
        if not await self.leveling.enabled(inter.guild.id):
            await inter.response.send_message(DISABLED_TEXT, ephemeral=True)
            return
        if not 1 <= page <= MAX_PAGE:
            await inter.response.send_message("That page does not exist.", ephemeral=True)
            return
        try:
            text, buttons = await self.board_page(inter.guild, page, owner_id)
        except commands.BadArgument:
            text, buttons = await self.board_page(inter.guild, 1, owner_id)
        await inter.response.edit_message(text, components=buttons)
