"""``/global/<slug>``: pages of the whole bot (the global leaderboard), no guild needed."""

from __future__ import annotations

import re

from core.db.models import GuildConfig, User
from core.services.xp import level_for_xp
from plugins.leveling import global_board
from tests.core.web.support import WebEnv


def names(page: str) -> list[str]:
    """The user names of the board, in order."""
    rows = re.findall(r"<tr>\s*<td class=\"num\">#[\d,]+</td>\s*<td><img class=\"avatar\"[^>]*>"
                      r"</td>\s*<td>(.*?)</td>", page, re.S)
    return [name.strip() for name in rows]


async def test_global_leaderboard_lists_users_by_xp_and_honours_the_opt_out(
    web_env: WebEnv,
) -> None:
    for user_id, name, xp in [(11, "low", 100), (12, "high", 9_000), (13, "<b>mid</b>", 600),
                              (14, "zero", 0)]:
        await User.create(user_id=user_id, username=name, global_xp=xp,
                          global_level=level_for_xp(xp))
    # no guild needs its public pages on: the page belongs to no guild
    assert not await GuildConfig.filter(public_pages=True).exists()
    response = await web_env.client.get("/global/leaderboard")
    assert response.status == 200
    page = await response.text()
    assert "<h1>Global leaderboard</h1>" in page
    assert names(page) == ["high", "&lt;b&gt;mid&lt;/b&gt;", "low"]
    assert "9,000" in page and "Page 1 of 1" in page

    await global_board.set_opt_out(12, True)
    page = await (await web_env.client.get("/global/leaderboard")).text()
    assert names(page) == ["&lt;b&gt;mid&lt;/b&gt;", "low"]
    await global_board.set_opt_out(12, False)
    assert names(await (await web_env.client.get("/global/leaderboard")).text())[0] == "high"

    assert (await web_env.client.get("/global/stats")).status == 404
    bad = await web_env.client.get("/global/leaderboard", params={"page": "x"})
    assert bad.status == 400 and "whole number" in await bad.text()
    far = await web_env.client.get("/global/leaderboard", params={"page": "9"})
    assert far.status == 400 and "there is no page 9" in await far.text()
