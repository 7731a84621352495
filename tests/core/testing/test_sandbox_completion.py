"""Tab completion in the sandbox prompt, and the command listing of ``:commands``."""

from __future__ import annotations

import pytest

from core.testing.sandbox.catalog import command_catalog, listing
from core.testing.sandbox.completion import complete

COMMANDS = [
    {"name": "warn", "type": 1, "description": "Warn a member", "options": [
        {"name": "member", "type": 6, "required": True},
        {"name": "reason", "type": 3, "required": True},
    ]},
    {"name": "welcome", "type": 1, "description": "Welcome", "options": [
        {"name": "set", "type": 1, "description": "Channel", "options": [
            {"name": "channel", "type": 7, "required": True}]},
        {"name": "dm", "type": 1, "description": "DM", "options": [
            {"name": "state", "type": 3, "required": True}]},
        {"name": "autorole", "type": 2, "description": "Join role", "options": [
            {"name": "clear", "type": 1, "description": "No role"}]},
    ]},
    {"name": "stats", "type": 1, "description": "Stats", "options": [
        {"name": "me", "type": 1, "description": "Yours"},
        {"name": "commands", "type": 1, "description": "Top", "options": [
            {"name": "days", "type": 4}, {"name": "public", "type": 5}]},
    ]},
    {"name": "Report message", "type": 3},  # a context-menu command: not typed
]
CATALOG = command_catalog(COMMANDS)
PEOPLE = ["admin", "alice", "bob"]


@pytest.mark.parametrize(("text", "words", "replace"), [
    ("/w", ["warn", "welcome"], 1),
    ("/", ["stats", "warn", "welcome"], 0),
    ("/welcome ", ["autorole", "dm", "set"], 0),
    ("/welcome auto", ["autorole"], 4),
    ("/welcome autorole c", ["clear"], 1),
    ("/warn ", ["member=", "reason="], 0),
    ("/warn member=@bob r", ["reason="], 1),
    ("/warn member=@a", ["@admin", "@alice"], 2),
    ("/welcome set channel=#g", ["#general"], 2),
    ("/stats commands public=", ["false", "true"], 0),
    ("/stats commands days=", [], 0),
    ("/nosuch x", [], 0),
    ("@b", ["@bob"], 2),
    (":c", [":commands"], 2),
    ("hello", [], 0),
])
def test_candidates(text: str, words: list[str], replace: int) -> None:
    found = complete(text, CATALOG, PEOPLE, ["general", "random"])
    assert (found.words, found.replace) == (words, replace)


def test_catalog_paths_groups_and_usage() -> None:
    assert list(CATALOG) == ["stats", "stats me", "stats commands", "warn", "welcome",
                             "welcome set", "welcome dm", "welcome autorole",
                             "welcome autorole clear"]
    assert CATALOG["welcome"].is_group and CATALOG["welcome autorole"].is_group
    assert not CATALOG["warn"].is_group
    assert CATALOG["stats commands"].usage() == "/stats commands [days=…] [public=…]"
    assert listing(CATALOG, "welcome") == [
        "/welcome set channel=…  Channel", "/welcome dm state=…  DM",
        "/welcome autorole clear  No role",
    ]
    assert "/warn member=… reason=…  Warn a member" in listing(CATALOG)
