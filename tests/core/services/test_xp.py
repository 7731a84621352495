"""``core.services.xp``: the level curve (property-based) and the batched XP writes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tortoise.transactions import in_transaction

from core.db.models import GuildMember, User
from core.services import xp

LEVELS = st.integers(min_value=1, max_value=2000)
XP = st.integers(min_value=0, max_value=xp.MAX_XP)


def test_curve_matches_the_formula() -> None:
    assert [xp.total_xp_for_level(n) for n in range(1, 5)] == [0, 155, 375, 670]
    for n in range(1, 300):
        step = xp.total_xp_for_level(n + 1) - xp.total_xp_for_level(n)
        assert step == 5 * n * n + 50 * n + 100 == xp.xp_for_next_level(n)
    assert xp.level_for_xp(0) == 1 and xp.level_for_xp(154) == 1 and xp.level_for_xp(155) == 2


@given(LEVELS)
def test_level_of_a_levels_threshold_is_that_level(level: int) -> None:
    total = xp.total_xp_for_level(level)
    assert xp.level_for_xp(total) == level
    assert xp.level_for_xp(total + xp.xp_for_next_level(level) - 1) == level
    if level > 1:
        assert xp.level_for_xp(total - 1) == level - 1


@given(XP, XP)
def test_level_is_monotonic_in_xp(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert xp.level_for_xp(low) <= xp.level_for_xp(high)


@given(XP)
def test_progress_is_consistent(total: int) -> None:
    p = xp.progress(total)
    assert xp.total_xp_for_level(p.level) + p.into_level == total
    assert 0 <= p.into_level < p.level_span == xp.xp_for_next_level(p.level)
    assert p.remaining > 0


@pytest.mark.parametrize("bad", [-1, -1000])
def test_negative_inputs_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        xp.level_for_xp(bad)
    with pytest.raises(ValueError):
        xp.total_xp_for_level(bad + 1)


async def _apply(awards: dict[tuple[int, int], int], names: dict[int, str] | None = None):
    async with in_transaction(xp.CONNECTION) as conn:
        return await xp.apply_awards(awards, names or {}, conn)


async def test_apply_awards_creates_rows_and_sums_with_levels(guildhall_db) -> None:
    changes = await _apply({(1, 10): 100, (1, 11): 60, (2, 10): 10}, {1: "ann"})
    assert changes == []  # 100 XP is still level 1
    changes = await _apply({(1, 10): 60, (2, 10): 5})
    assert changes == [xp.LevelChange(1, 10, 1, 2, 160)]
    member = await GuildMember.get(user_id=1, guild_id=10)
    assert (member.xp, member.level) == (160, 2)
    user = await User.get(user_id=1)
    assert (user.username, user.global_xp, user.global_level) == ("ann", 220, 2)
    assert (await User.get(user_id=2)).username == "2"
    assert (await GuildMember.get(user_id=2, guild_id=10)).xp == 15


async def test_apply_awards_many_rows_in_chunks(guildhall_db) -> None:
    awards = {(user, 5): 400 for user in range(1, xp.CHUNK * 2 + 7)}
    changes = await _apply(awards)
    assert len(changes) == len(awards)  # everyone went from level 1 to 3
    assert {c.new_level for c in changes} == {3}
    assert await GuildMember.filter(guild_id=5, xp=400, level=3).count() == len(awards)
    assert await User.filter(global_xp=400, global_level=3).count() == len(awards)


async def test_failed_batch_writes_nothing(guildhall_db) -> None:
    with pytest.raises(ValueError):
        await _apply({(1, 10): 5, (2, 10): -1})
    assert await GuildMember.all().count() == 0


async def test_change_member_xp_sets_and_clamps(guildhall_db) -> None:
    await _apply({(1, 10): 50})
    async with in_transaction(xp.CONNECTION) as conn:
        change = await xp.change_member_xp(conn, 10, 1, "ann", set_to=700)
    assert (change.old_xp, change.new_xp, change.old_level, change.new_level) == (50, 700, 1, 4)
    assert change.delta == 650
    async with in_transaction(xp.CONNECTION) as conn:
        down = await xp.change_member_xp(conn, 10, 1, "ann", delta=-10_000)
    assert (down.new_xp, down.new_level, down.delta) == (0, 1, -700)
    assert await xp.member_xp(10, 1) == (0, 1)
    async with in_transaction(xp.CONNECTION) as conn:
        with pytest.raises(ValueError):
            await xp.change_member_xp(conn, 10, 1, "ann", set_to=-5)
    assert (await User.get(user_id=1)).global_xp == 50  # admin changes stay in the guild


async def test_reads_rank_and_leaderboard(guildhall_db) -> None:
    await _apply({(u, 7): u * 10 for u in range(1, 26)} | {(99, 8): 10_000})
    assert await xp.rank_position(7, 250) == 1
    assert await xp.rank_position(7, 10) == 25
    assert await xp.rank_position(7, 0) == 26  # nobody with no XP is above everyone
    page1 = await xp.leaderboard(7, 0, 10)
    assert [r.user_id for r in page1] == list(range(25, 15, -1))
    page3 = await xp.leaderboard(7, 20, 10)
    assert [r.user_id for r in page3] == [5, 4, 3, 2, 1]
    assert await xp.global_xp(99) == (10_000, xp.level_for_xp(10_000))
    assert await xp.member_xp(7, 12345) == (0, 1)
