"""How the sandbox reads a typed slash command: the last option takes the rest of the line."""

from __future__ import annotations

import pytest

from core.testing.sandbox.catalog import command_catalog
from core.testing.sandbox.session import SandboxError, split_slash
from core.testing.sandbox.slash_line import words

WARN = {"name": "warn", "type": 1, "description": "Warn", "options": [
    {"name": "member", "type": 6, "required": True},
    {"name": "reason", "type": 3, "required": True},
]}


@pytest.mark.parametrize(("line", "expected"), [
    ("/warn member=@bob reason=spamming links",
     ("warn", {"member": "@bob", "reason": "spamming links"})),
    ("/warn reason=spamming   links again member=@bob",
     ("warn", {"member": "@bob", "reason": "spamming links again"})),
    ('/warn member=@bob reason="spamming  links"',
     ("warn", {"member": "@bob", "reason": "spamming  links"})),
    ("/warn member=@bob reason=it's spam, isn't it",
     ("warn", {"member": "@bob", "reason": "it's spam, isn't it"})),
    ('/remind "when=2020-01-01 09:00" text=tea',
     ("remind", {"when": "2020-01-01 09:00", "text": "tea"})),
    ("/prefix set prefix=?", ("prefix set", {"prefix": "?"})),
    ("/ping", ("ping", {})),
    ('/customcmd create name="a \\"b\\"" response=x', ("customcmd create",
                                                      {"name": 'a "b"', "response": "x"})),
])
def test_reads_what_a_person_types(line: str, expected: tuple[str, dict[str, str]]) -> None:
    assert split_slash(line, command_catalog([WARN])) == expected


def test_unknown_option_words_belong_to_the_value_when_options_are_known() -> None:
    catalog = command_catalog([WARN])
    assert split_slash("/warn member=@bob reason=see rule=3 please", catalog) == (
        "warn", {"member": "@bob", "reason": "see rule=3 please"})
    # without knowing the command, every name= word starts an option
    assert split_slash("/warn reason=see rule=3")[1] == {"reason": "see", "rule": "3"}


@pytest.mark.parametrize(("line", "message"), [
    ("/", "write a command name after '/'"),
    ("/reason=x", "write a command name after '/'"),
    ('/warn reason="never closed', "no closing \""),
])
def test_unreadable_lines_say_why(line: str, message: str) -> None:
    with pytest.raises(SandboxError, match=message):
        split_slash(line)


def test_quotes_open_only_at_a_word_start_or_after_equals() -> None:
    assert words("""a "b c" d='e f' g"h i'j""") == ["a", "b c", "d=e f", 'g"h', "i'j"]
