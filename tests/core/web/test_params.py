"""Ids and numbers from URLs: ASCII digits in range, else a clear 400/404 (never a 500)."""

from __future__ import annotations

import pytest

from core.db.models import GuildConfig
from core.web.params import MAX_SNOWFLAKE, bounded, snowflake
from tests.core.web.support import WebEnv

HUGE = "99999999999999999999"


@pytest.mark.parametrize("raw", ["\u00b2", "\u0663", "\uff11", HUGE, str(2**63), "0", "-1",
                                 "+1", "1.5", "", "1e3", None, 5, "1" * 400])
def test_not_a_snowflake(raw: object) -> None:
    assert snowflake(raw) is None


def test_snowflakes_and_bounds() -> None:
    assert snowflake("1") == 1 and snowflake(str(MAX_SNOWFLAKE)) == MAX_SNOWFLAKE
    assert snowflake(" 42 ") == 42
    assert bounded("7", 1, 10) == 7
    assert bounded("11", 1, 10) is None and bounded("\u00b2", 0, 10) is None


async def test_odd_ids_answer_4xx(web_env: WebEnv) -> None:
    await GuildConfig.filter(guild_id=web_env.guild_id).update(public_pages=True)
    g = web_env.guild_id
    anonymous = {
        "/g/%C2%B2/leaderboard": 404, f"/g/{HUGE}/leaderboard": 404,
        f"/g/{g}/leaderboard?member={HUGE}": 200,  # the page, with a note
        f"/g/{g}/leaderboard?after=1.{HUGE}.1": 400, f"/g/{g}/leaderboard?after=1.%C2%B2.1": 400,
        f"/g/{g}/stats?days=%C2%B2": 200,
    }
    for path, status in anonymous.items():
        answer = await web_env.client.get(path, allow_redirects=False)
        assert answer.status == status, (path, await answer.text())
    member = await web_env.client.get(f"/g/{g}/leaderboard?member={HUGE}")
    assert "A member id is a number" in await member.text()
    await web_env.login(web_env.demo.admin.id)
    logged_in = {"/dashboard/%C2%B2": 404, f"/dashboard/{HUGE}": 404,
                 f"/dashboard/{g}/commands?page=%C2%B2": 400,
                 f"/dashboard/{g}/commands?page={HUGE}": 400}
    for path, status in logged_in.items():
        answer = await web_env.client.get(path, allow_redirects=False)
        assert answer.status == status, (path, await answer.text())
    bad_page = await web_env.client.get(f"/dashboard/{g}/commands?page=%C2%B2")
    assert "page number must be between 1 and" in await bad_page.text()
