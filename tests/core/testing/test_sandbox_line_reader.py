"""The sandbox prompt without a terminal: plain lines from stdin, end of input as EOFError."""

from __future__ import annotations

import io
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
