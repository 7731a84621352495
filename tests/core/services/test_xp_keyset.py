"""Keyset leaderboard pages: the same rows as OFFSET pages, ties included, both ways."""

from __future__ import annotations

from core.db.models import GuildMember, User
from core.services import xp
from plugins.leveling.cog_board import parse_button


async def test_keyset_pages_match_offset_pages_with_ties(guildhall_db) -> None:
    scores = [500, 400, 400, 400, 300, 300, 200, 100, 100, 0, 0]
    for user_id, score in enumerate(scores, start=1):
        await User.create(user_id=user_id, username=f"u{user_id}")
        await GuildMember.create(user_id=user_id, guild_id=9, xp=score)
    await GuildMember.create(user_id=1, guild_id=10, xp=999)  # another guild never shows
    everyone = await xp.leaderboard(9, 0, 100)
    assert [r.xp for r in everyone] == scores
    for size in (1, 2, 3, 4):
        pages = [everyone[i:i + size] for i in range(0, len(everyone), size)]
        walked = [await xp.leaderboard(9, 0, size)]
        while True:
            last = walked[-1][-1]
            nxt = await xp.leaderboard_from(9, last.xp, last.user_id, size)
            if not nxt:
                break
            walked.append(nxt)
        assert walked == pages
        for page, previous in zip(pages[1:], pages, strict=False):
            first = page[0]
            assert await xp.leaderboard_from(9, first.xp, first.user_id, size,
                                             forward=False) == previous


def test_button_ids_with_and_without_an_anchor() -> None:
    assert parse_button("lvl:lb:3:42") == (3, 42, None)
    assert parse_button("lvl:lb:3:42:900:7:n") == (3, 42, (900, 7, True))
    assert parse_button("lvl:lb:2:42:900:7:p") == (2, 42, (900, 7, False))
    for bad in ("lvl:lb:3", "lvl:lb:3:42:900:7:x", "lvl:lb:a:42", "other:1:2", "lvl:lb:1:2:3"):
        assert parse_button(bad) is None
