"""settings_audit on both engines: what is recorded, newest first, bad input, purge."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.db.models import SettingsAudit
from core.services import audit


async def test_changes_are_recorded_as_json_newest_first(guildhall_db) -> None:
    await audit.record_change(1, 10, "slash", "prefix", "!", "?")
    await audit.record_change(1, 11, "web", "plugin:leveling", True, False)
    when = datetime(2030, 1, 2, tzinfo=UTC)
    await audit.record_change(1, 12, "prefix", "xp", None, {"at": when, "ok": "ünï"})
    await audit.record_change(2, 10, "slash", "prefix", "!", "$")
    rows = await audit.recent_changes(1)
    assert [(r.actor_id, r.source, r.setting) for r in rows] == [
        (12, "prefix", "xp"), (11, "web", "plugin:leveling"), (10, "slash", "prefix"),
    ]
    assert [audit.values(r) for r in rows] == [
        (None, {"at": "2030-01-02 00:00:00+00:00", "ok": "ünï"}), (True, False), ("!", "?"),
    ]
    assert rows[2].before == '"!"' and rows[0].created_at is not None
    assert [r.actor_id for r in await audit.recent_changes(1, limit=2)] == [12, 11]
    assert len(await audit.recent_changes(1, limit=0)) == 1


@pytest.mark.parametrize(
    ("source", "setting", "message"),
    [("email", "prefix", "must be one of slash, prefix, web"), ("slash", "", "1-100"),
     ("web", "x" * 101, "1-100")],
)
async def test_bad_input_writes_nothing(guildhall_db, source, setting, message) -> None:
    with pytest.raises(ValueError, match=message):
        await audit.record_change(1, 10, source, setting, 1, 2)
    assert await SettingsAudit.all().count() == 0


async def test_purge_removes_only_that_guild(guildhall_db) -> None:
    for guild in (3, 3, 4):
        await audit.record_change(guild, 1, "slash", "prefix", "a", "b")
    assert await audit.purge(3) == 2
    assert [r.guild_id for r in await SettingsAudit.all()] == [4]
