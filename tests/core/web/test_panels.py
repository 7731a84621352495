"""Plugin panels: collected from the hook (bad names skipped), forms read by field kind."""

from __future__ import annotations

from typing import Any

import pytest

from core.plugins.contracts import PanelField, WebPanel
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.web.guild_objects import Choice, GuildObjects
from core.web.panels import collect, read_form


async def _load(guild_id: int) -> dict[str, Any]:
    return {}


async def _save(guild_id: int, values: dict[str, Any], actor_id: int) -> None:
    return None


def panel(name: str, *fields: PanelField) -> WebPanel:
    """A panel named ``name`` that stores nothing."""
    return WebPanel(name, name.title(), fields, _load, _save)


class Contributor:
    """A plugin offering the given panels."""

    def __init__(self, *panels: WebPanel) -> None:
        self.panels = list(panels)

    @hookimpl
    def guildhall_web_panels(self, settings: Settings) -> list[WebPanel]:
        """The panels."""
        return self.panels


class Broken:
    """A plugin whose hook raises."""

    @hookimpl
    def guildhall_web_panels(self) -> list[WebPanel]:
        """Fails."""
        raise RuntimeError("boom")


def test_collect_keeps_valid_unique_names_and_isolates_failures() -> None:
    plugins = PluginManager(Settings())
    plugins.register("first", Contributor(panel("welcome"), panel("Bad Name"),
                                          panel("general")))
    plugins.register("second", Contributor(panel("welcome"), panel("notes")))
    plugins.register("broken", Broken())
    found = collect(plugins, plugins.settings)
    assert {name: p.plugin for name, p in found.items()} == {"welcome": "first",
                                                            "notes": "second"}


def test_read_form_types_each_kind_and_names_the_bad_field() -> None:
    objects = GuildObjects([Choice(5, "general")], [], frozenset({5}), {}, None)  # type: ignore[arg-type]
    form = panel("x", PanelField("days", "Days"), PanelField("where", "Where", "channel"),
                 PanelField("mode", "Mode", "choice", (("a", "A"), ("b", "B"))),
                 PanelField("note", "Note", "text", max_length=5))
    good = {"days": " 12 ", "where": "5", "mode": "b", "note": "hi"}
    assert read_form(form, good, objects) == {"days": 12, "where": 5, "mode": "b", "note": "hi"}
    assert read_form(form, {**good, "where": ""}, objects)["where"] is None
    for bad, reason in (({"days": "-1"}, "Days: enter a whole number"),
                        ({"days": "1e3"}, "Days: enter a whole number"),
                        ({"where": "6"}, "not in this server"),
                        ({"mode": "c"}, "Mode: choose one of the options"),
                        ({"note": "toolong"}, "Note: at most 5 characters")):
        with pytest.raises(ValueError, match=reason):
            read_form(form, {**good, **bad}, objects)


def test_field_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        PanelField("x", "X", "colour")
    with pytest.raises(ValueError, match="needs choices"):
        PanelField("x", "X", "choice")
