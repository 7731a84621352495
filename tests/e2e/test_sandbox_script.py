"""The sandbox script format: what a script file means, and readable errors."""

from __future__ import annotations

import pytest

from core.testing.sandbox.script import (
    Expect,
    ScriptError,
    builtin_scripts,
    parse_script,
    resolve_script,
)
from core.testing.sandbox.session import SandboxError, split_slash


def test_parse_actors_sends_and_expectations() -> None:
    steps = parse_script(
        "# demo\n\n> /ping\n< Pong\n@admin\n> !prefix ?\n< Prefix set\n< (no reply)\n> hi\n"
    )
    assert [(s.actor, s.text) for s in steps] == [
        ("alice", "/ping"), ("admin", "!prefix ?"), ("admin", "hi"),
    ]
    assert steps[0].expects == [Expect(4, "Pong")]
    assert steps[1].expects == [Expect(7, "Prefix set"), Expect(8, None)]
    assert steps[2].expects == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("< Pong\n", "demo.txt:1: '<' expects a reply, but nothing was sent yet"),
        ("> !ping\n<\n", "demo.txt:2: write the expected text, or '(no reply)'"),
        ("@\n> !ping\n", "demo.txt:1: write a member name after '@'"),
        ("> !ping\nPong\n", "demo.txt:2: lines start with '>', '<', '@' or '#'"),
        ("# nothing\n", "demo.txt: the script sends nothing"),
    ],
)
def test_parse_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ScriptError) as caught:
        parse_script(text, "demo.txt")
    assert str(caught.value).startswith(message)


def test_builtin_scripts_resolve_by_name_and_parse() -> None:
    assert "demo" in builtin_scripts()
    path = resolve_script("demo")
    assert path.name == "demo.txt"
    assert len(parse_script(path.read_text(), path.name)) >= 5
    with pytest.raises(ScriptError, match="built-in scripts: .*demo"):
        resolve_script("no-such-script")


def test_split_slash_options() -> None:
    assert split_slash("/ping") == ("ping", {})
    assert split_slash('/prefix set prefix="a b" x=1=2') == (
        "prefix set", {"prefix": "a b", "x": "1=2"},
    )
    with pytest.raises(SandboxError):
        split_slash("/")
