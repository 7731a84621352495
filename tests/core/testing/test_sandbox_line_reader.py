"""The sandbox prompt without a terminal: plain lines from stdin, end of input as EOFError."""

from __future__ import annotations

import io
import os
import sys

import pytest

from core.testing.sandbox.completion import Candidates
from core.testing.sandbox.prompt import PlainReader, line_reader, toolkit_available


def no_completion(text: str) -> Candidates:
    return Candidates([], 0)


async def test_plain_lines_then_end_of_input(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/ping\r\n@bob\n"))
    assert not toolkit_available()
    reader = line_reader(no_completion)
    assert isinstance(reader, PlainReader)
    with reader.output():
        assert await reader.read("alice> ") == "/ping"
        assert await reader.read("alice> ") == "@bob"
        for _ in range(2):  # end of input stays the end
            with pytest.raises(EOFError):
                await reader.read("bob> ")
    assert capsys.readouterr().out == "alice> alice> bob> bob> "


QUIET_CHILD = """
from core.testing.sandbox.prompt import no_echo_between_prompts
with no_echo_between_prompts():
    print("ready", flush=True)
    print("got", input().strip().encode(), flush=True)
print("echo restored", flush=True)
print("after", input().strip(), flush=True)
"""


def test_keys_typed_between_two_prompts_are_not_echoed_by_the_terminal(tmp_path) -> None:
    """Between two prompts the terminal is in its normal mode: its own echo is off for the
    chat (an Up arrow typed then would show as ``^[[A``) and back on afterwards."""
    from tests.e2e.terminal import ENTER, UP, Terminal

    term = Terminal([sys.executable, "-c", QUIET_CHILD], tmp_path, dict(os.environ))
    try:
        term.expect("ready")
        term.type(UP + "secret" + ENTER)
        term.expect("got b'\\x1b[Asecret'")
        term.expect("echo restored")  # typed before this, "shown" would not be echoed
        term.type("shown" + ENTER)
        term.expect("after shown")
        assert term.wait_exit() == 0
    finally:
        term.close()
    assert "^[[A" not in term.screen and term.screen.count("secret") == 1
    assert term.screen.count("shown") == 2  # echoed by the terminal, then printed
