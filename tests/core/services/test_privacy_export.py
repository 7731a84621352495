"""core.services.privacy without a bot: what an export holds (and never holds), its file
at the size limits, and a deletion whose fence cannot be recorded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.db.models import GuildMember, User
from core.plugins.hookspecs import hookimpl
from core.services import privacy
from tests.core.services.privacy_support import seed_guild, seed_user_extras
from tests.helpers import refuse_writes

USER, MOD, GUILD = 7, 8, 500


class BrokenExport:
    """A plugin whose export fails."""

    @hookimpl
    async def guildhall_user_export(self, user_id: int) -> dict:
        raise RuntimeError("disk on fire")


async def test_the_export_holds_core_rows_and_every_plugin(guildhall_db) -> None:
    await seed_guild(GUILD, USER, MOD)
    await seed_user_extras(USER)
    data = await privacy.export_user(guildhall_db.plugins, USER)
    assert data["format"] == "guildhall-user-export/1" and data["user_id"] == "7"
    assert datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert data["about"] == (
        "Each section lists the rows of one table that are about you; a key like "
        "'mod_actions.moderator_id' lists rows you made as a moderator or manager.")
    core = data["core"]
    assert [r["user_id"] for r in core["users"]] == [USER]
    assert [(r["guild_id"], r["xp"], r["coins"]) for r in core["guild_members"]] == [
        (GUILD, 50, 5)]
    (session,) = core["web_sessions"]
    assert set(session) == {"username", "created_at", "expires_at"}  # never the tokens
    assert session["username"] == "alice" and isinstance(session["expires_at"], str)
    assert core["settings_audit.actor_id"] == []  # the user changed no settings
    assert list(data["plugins"]) == sorted(data["plugins"]) and "economy" in data["plugins"]
    assert [r["amount"] for r in data["plugins"]["economy"]["transactions"]] == [3]
    assert data["incomplete"] == []
    json.dumps(data)  # plain data throughout


async def test_settings_a_manager_changed_are_exported_by_column(guildhall_db) -> None:
    await seed_guild(GUILD, USER, MOD)
    core = (await privacy.export_user(guildhall_db.plugins, MOD))["core"]
    assert [r["setting"] for r in core["settings_audit.actor_id"]] == ["prefix"]
    assert core["users"] == [] and core["web_sessions"] == []


async def test_a_failing_plugin_export_is_named_as_incomplete(guildhall_db) -> None:
    await seed_guild(GUILD, USER, MOD)
    guildhall_db.plugins.register("broken", BrokenExport())
    data = await privacy.export_user(guildhall_db.plugins, USER)
    assert data["incomplete"] == ["broken"] and "broken" not in data["plugins"]
    assert data["core"]["users"]


def test_the_file_is_plain_json_up_to_exactly_the_limit() -> None:
    data = {"user_id": "7", "rows": ["x" * 50]}
    size = len(privacy.export_file(data)[1])
    assert privacy.export_file(data, limit=size)[0] == "guildhall-data-7.json"
    name, packed = privacy.export_file(data, limit=size - 1)
    assert name == "guildhall-data-7.json.gz"
    assert privacy.export_file(data, limit=len(packed))[0].endswith(".gz")  # fits exactly


def test_the_file_is_indented_with_sorted_keys_and_a_refusal_gives_sizes() -> None:
    _, content = privacy.export_file({"user_id": "7", "b": [1], "a": {"z": 1, "y": 2}})
    assert content.decode() == (
        '{\n  "a": {\n    "y": 2,\n    "z": 1\n  },\n  "b": [\n    1\n  ],\n'
        '  "user_id": "7"\n}')
    with pytest.raises(privacy.ExportTooLarge, match=r"^\d+ bytes compressed; the limit is 10$"):
        privacy.export_file({"user_id": "7", "rows": list(range(100))}, limit=10)


def test_values_become_plain_json() -> None:
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    row = {"at": moment, "day": date(2026, 1, 2), "raw": b"\x01\xff", "n": 3, "f": 1.5,
           "s": "x", "b": True, "none": None, "money": Decimal("1.50")}
    assert privacy._plain(row) == {
        "at": "2026-01-02T03:04:00+00:00", "day": "2026-01-02", "raw": "01ff", "n": 3,
        "f": 1.5, "s": "x", "b": True, "none": None, "money": "1.50"}
    _, content = privacy.export_file({"user_id": "1", "at": moment, "raw": b"\x02"})
    assert json.loads(content) == {"user_id": "1", "at": "2026-01-02T03:04:00+00:00",
                                   "raw": "02"}


async def test_no_fence_no_deletion(guildhall_db, guildhall_engine: str,
                                    caplog: pytest.LogCaptureFixture) -> None:
    await seed_guild(GUILD, USER, MOD)
    await refuse_writes(guildhall_engine, True, "user_deletions")
    try:
        report = await privacy.delete_user(guildhall_db.plugins, USER)
    finally:
        await refuse_writes(guildhall_engine, False, "user_deletions")
    assert report.failed == ["core"] and report.rows == {} and report.total == 0
    ours = [r.getMessage() for r in caplog.records if r.name == privacy.log.name]
    assert ours == ["recording the deletion fence failed; nothing was deleted"]
    assert not report.complete
    assert await User.filter(user_id=USER).exists()
    assert await GuildMember.filter(user_id=USER).exists()


async def test_a_complete_deletion_counts_every_owner(guildhall_db) -> None:
    await seed_guild(GUILD, USER, MOD)
    await seed_user_extras(USER)
    report = await privacy.delete_user(guildhall_db.plugins, USER)
    assert report.complete and report.failed == []
    assert report.rows["core"] == 3  # the dashboard login, guild_members, users
    assert report.total == sum(report.rows.values()) > 3
    assert not await User.filter(user_id=USER).exists()
