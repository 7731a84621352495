"""ensure_member creates the user and the membership once, on both engines."""

from __future__ import annotations

from core.db.models import GuildMember, User
from core.services.members import ensure_member


async def test_ensure_member_creates_rows_once(guildhall_db) -> None:
    first = await ensure_member(5, 50, "eve")
    again = await ensure_member(5, 50, "eve")
    assert first.pk == again.pk
    assert (first.xp, first.level, first.coins) == (0, 1, 0)
    assert (await User.get(user_id=5)).username == "eve"
    await ensure_member(5, 51)
    assert await GuildMember.filter(user_id=5).count() == 2
