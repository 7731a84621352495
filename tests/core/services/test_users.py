"""ActivityBuffer: users rows created on first sighting, last_seen written in batches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from core.db.models import User
from core.services.users import ActivityBuffer, ensure_user


async def test_flush_creates_and_updates_users(guildhall_db) -> None:
    buffer = ActivityBuffer()
    early = datetime(2026, 1, 1, tzinfo=UTC)
    for uid in range(1, 4):
        buffer.record(uid, f"user{uid}", early)
    assert await User.all().count() == 0  # recording does no I/O
    assert await buffer.flush() == 3
    assert len(buffer) == 0
    later = early + timedelta(days=3)
    buffer.record(2, "renamed", later)
    buffer.record(2, "renamed-again", later + timedelta(seconds=5))
    assert await buffer.flush() == 1
    user = await User.get(user_id=2)
    assert user.username == "renamed-again"
    assert user.last_seen == later + timedelta(seconds=5)
    assert (await User.get(user_id=1)).last_seen == early
    assert await buffer.flush() == 0
    avatar = "a_" + "0f" * 16
    buffer.record(2, "renamed-again", later, display_name="Renée", avatar=avatar)
    assert await buffer.flush() == 1
    faced = await User.get(user_id=2)
    assert (faced.display_name, faced.avatar) == ("Renée", avatar)
    buffer.record(2, "renamed-again", later, display_name=None, avatar=None)  # both removed
    await buffer.flush()
    assert (await User.get(user_id=2)).avatar is None


async def test_one_flush_of_many_users_is_a_few_statements(guildhall_db, monkeypatch) -> None:
    buffer = ActivityBuffer(batch_size=500)
    for uid in range(1000):
        buffer.record(uid + 1, f"u{uid}")
    async with in_transaction("default") as probe:  # the flush writes in a transaction
        wrapper = type(probe)
    calls = 0
    original = wrapper.execute_many

    async def counting(self, query, values):
        nonlocal calls
        calls += 1
        return await original(self, query, values)

    monkeypatch.setattr(wrapper, "execute_many", counting)  # the real client's statements
    assert await buffer.flush() == 1000
    monkeypatch.undo()
    assert 1 <= calls <= 2
    assert await User.all().count() == 1000


async def test_ensure_user_creates_once(guildhall_db) -> None:
    first = await ensure_user(99, "zed")
    second = await ensure_user(99, "other-name")
    assert first.user_id == second.user_id == 99
    assert await User.filter(user_id=99).count() == 1
