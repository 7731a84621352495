"""Plugin discovery, the hook contract and error isolation."""

from __future__ import annotations

import inspect
import logging
from pathlib import Path

import pytest

from core.db.database import close_database
from core.plugins import hookspecs
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginError, PluginManager, available_plugins
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from tests.helpers import NOTES_DIST, fetch, guildhall


def test_every_hookspec_is_documented_and_prefixed() -> None:
    specs = [
        (name, fn) for name, fn in vars(hookspecs).items()
        if inspect.isfunction(fn) and hasattr(fn, "guildhall_spec")
    ]
    assert len(specs) >= 11
    for name, fn in specs:
        assert name.startswith("guildhall_")
        assert fn.__doc__ and "Called" in fn.__doc__, f"{name} must say when it is called"


def test_unknown_plugin_is_a_clear_error() -> None:
    settings = Settings(plugins={"enabled": ["leveling", "levelling"]})
    with pytest.raises(PluginError, match="unknown plugin.*levelling.*available: analytics"):
        PluginManager(settings).load()


def _dist(tmp_path: Path, dist: str, entry: str) -> Path:
    info = tmp_path / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[guildhall.plugins]\n{entry}\n")
    return tmp_path


def test_duplicate_plugin_name_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(_dist(tmp_path, "evil-economy", "economy = evil.plugin")))
    with pytest.raises(PluginError, match="duplicate plugin name 'economy'.*evil-economy"):
        available_plugins()


class Exploding:
    @hookimpl
    async def guildhall_guild_purge(self, guild_id: int) -> int:
        raise RuntimeError("boom")

    @hookimpl
    def guildhall_timer_sources(self) -> list:
        raise RuntimeError("sync boom")


class Counting:
    def __init__(self) -> None:
        self.seen: list[int] = []

    @hookimpl
    async def guildhall_guild_purge(self, guild_id: int) -> int:
        self.seen.append(guild_id)
        return 3

    @hookimpl
    def guildhall_timer_sources(self) -> list:
        return ["timer"]


async def test_failing_plugin_is_logged_by_name_and_others_still_run(caplog) -> None:
    manager = PluginManager(Settings(plugins={"enabled": []}))
    counting = Counting()
    manager.register("exploding", Exploding())
    manager.register("counting", counting)
    with caplog.at_level(logging.ERROR, logger="core.plugins.manager"):
        results = await manager.acall("guildhall_guild_purge", guild_id=42)
        sync_results = manager.call("guildhall_timer_sources")
    assert results == [("counting", 3)]
    assert sync_results == [("counting", ["timer"])]
    assert counting.seen == [42]
    messages = [r.getMessage() for r in caplog.records]
    assert "plugin 'exploding' failed in guildhall_guild_purge" in messages
    assert "plugin 'exploding' failed in guildhall_timer_sources" in messages


def test_registering_a_name_twice_is_refused() -> None:
    manager = PluginManager(Settings(plugins={"enabled": []}))
    manager.register("counting", Counting())
    with pytest.raises(PluginError, match="registered twice"):
        manager.register("counting", Counting())


async def test_third_party_plugin_through_a_real_entry_point(
    monkeypatch, guildhall_engine, guildhall_database_factory
) -> None:
    monkeypatch.syspath_prepend(str(NOTES_DIST))
    info = available_plugins()["notes"]
    assert (info.source, info.version) == ("package guildhall-example-notes", "1.2.0")

    url = await guildhall_database_factory.create_empty(guildhall_engine)
    settings = Settings(database={"url": url}, plugins={"enabled": ["economy", "notes"]})
    runtime = Runtime.from_settings(settings)
    applied = await runtime.upgrade()
    assert [a for a in applied if a.startswith("notes/")] == [
        "notes/" + p.name for p in sorted(
            (NOTES_DIST / "gh_notes/migrations/sqlite/notes").glob("*.py"))]
    await runtime.open_database()
    try:
        from gh_notes import plugin as notes_plugin
        from gh_notes.models import Note

        await Note.create(guild_id=9, text="keep me?")
        await Note.create(guild_id=8, text="other guild")
        results = dict(await runtime.plugins.acall("guildhall_guild_purge", guild_id=9))
        assert results == {"notes": 1, "economy": 0}
        assert ("guild_purge", 9) in notes_plugin.CALLS
        assert await fetch("SELECT text, pinned FROM notes") == [("other guild", False)]
    finally:
        await close_database()


def test_plugins_command_lists_third_party(tmp_path, monkeypatch) -> None:
    import os

    env = {**os.environ, "PYTHONPATH": str(NOTES_DIST),
           "GUILDHALL_PLUGINS__ENABLED": '["moderation", "notes"]',
           "GUILDHALL_DATABASE__URL": f"sqlite://{tmp_path / 'x.db'}"}
    result = guildhall("plugins", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    notes_line = next(line for line in out.splitlines() if "│ notes" in line)
    assert "1.2.0" in notes_line and "guildhall-example-notes" in notes_line
    assert "notes" in notes_line.split("│")[4] and "yes" in notes_line
    moderation = next(line for line in out.splitlines() if "│ moderation" in line)
    assert "mod_action_amendments, mod_actions" in moderation  # the cell wraps after that
    assert "temp_punishments, warnings" in out
    economy = next(line for line in out.splitlines() if "│ economy" in line)
    assert "no" in economy.split("│")[5]
