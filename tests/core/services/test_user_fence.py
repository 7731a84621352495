"""The deletion fence: data recorded before a deletion is dropped, later data is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.db.models import User, UserDeletion
from core.services import user_fence
from core.services.users import ActivityBuffer
from plugins.analytics.models import CommandStat
from plugins.analytics.recorder import StatsRecorder

USER, OTHER = 6_000_001, 6_000_002
DELETED_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
BEFORE, AFTER = DELETED_AT - timedelta(seconds=1), DELETED_AT + timedelta(seconds=1)


async def test_flushes_drop_only_what_was_recorded_before_the_deletion(guildhall_db) -> None:
    await user_fence.record_deletion(USER, now=DELETED_AT)
    activity, stats = ActivityBuffer(), StatsRecorder()
    activity.record(USER, "before", when=BEFORE)
    activity.record(OTHER, "other", when=BEFORE)
    stats.record("ping", 1, USER, when=BEFORE)
    stats.record("ping", 1, OTHER, when=BEFORE)

    assert await activity.flush() == 1
    assert await stats.flush() == 1
    assert not await User.filter(user_id=USER).exists()
    assert not await CommandStat.filter(user_id=USER).exists()
    assert await User.filter(user_id=OTHER).exists()

    activity.record(USER, "came back", when=AFTER)  # using the bot again after deleting
    stats.record("ping", 1, USER, when=AFTER)
    assert await activity.flush() == 1 and await stats.flush() == 1
    assert (await User.get(user_id=USER)).username == "came back"
    assert await CommandStat.filter(user_id=USER).count() == 1


async def test_old_fences_are_removed_when_a_new_one_is_recorded(guildhall_db) -> None:
    await user_fence.record_deletion(USER, now=DELETED_AT - user_fence.KEEP - timedelta(1))
    await user_fence.record_deletion(OTHER, now=DELETED_AT)
    await user_fence.record_deletion(OTHER, now=AFTER)  # a second request moves the time
    rows = await UserDeletion.all().values_list("user_id", flat=True)
    assert rows == [OTHER]
    assert (await UserDeletion.get(user_id=OTHER)).deleted_at == AFTER
