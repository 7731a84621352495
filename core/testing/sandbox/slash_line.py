"""Reading a typed slash command: ``/warn member=@bob reason=spamming links``.

Rules, meant to match what a person types:

- words before the first ``name=value`` word are the command path (``prefix set``);
- each ``name=value`` word starts an option, and the words after it belong to its
  value until the next ``name=value`` word: the last option takes the rest of the
  line (``reason=spamming links``). When the command's option names are known, a
  ``word=`` that names none of them is part of the value too;
- quotes keep a value whole and exact: ``name="bad name"``, ``"when=2020-01-01 09:00"``;
  a quote inside a word is an ordinary character (``reason=it's spam``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPTION_WORD = re.compile(r"([\w-]{1,32})=(.*)", re.DOTALL)
QUOTES = "\"'"


class SlashLineError(ValueError):
    """The line cannot be read (an unclosed quote, no command name)."""


def _quoted(line: str, start: int) -> tuple[str, int]:
    """The text of the quoted section opening at ``start``, and the index after it."""
    quote, out, i = line[start], [], start + 1
    while i < len(line):
        char = line[i]
        if char == "\\" and quote == '"' and i + 1 < len(line) and line[i + 1] in '"\\':
            out.append(line[i + 1])
            i += 2
            continue
        if char == quote:
            return "".join(out), i + 1
        out.append(char)
        i += 1
    raise SlashLineError(f"no closing {quote} in {line!r}")


def words(line: str) -> list[str]:
    """Space-separated words; quotes open at a word's start or right after ``=``."""
    out: list[str] = []
    i = 0
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        word: list[str] = []
        while i < len(line) and not line[i].isspace():
            opens = line[i] in QUOTES and (not word or word[-1] == "=")
            if opens:
                text, i = _quoted(line, i)
                word.append(text)
            else:
                word.append(line[i])
                i += 1
        out.append("".join(word))
    return out


def split_slash(
    line: str, option_names: Callable[[str], set[str] | None] | None = None
) -> tuple[str, dict[str, str]]:
    """``/prefix set prefix=?`` -> ``("prefix set", {"prefix": "?"})``.

    ``option_names(path)`` gives the command's option names when known (``None``: any
    ``name=`` word starts an option).
    """
    path: list[str] = []
    options: dict[str, str] = {}
    current: str | None = None
    known: set[str] | None = None
    for word in words(line.removeprefix("/")):
        match = OPTION_WORD.fullmatch(word)
        if match and current is None and not path:
            raise SlashLineError("write a command name after '/', e.g. /ping")
        if match and current is None:
            known = option_names(" ".join(path)) if option_names else None
        starts = match is not None and (current is None or known is None
                                        or match.group(1) in known)
        if starts and match is not None:
            current = match.group(1)
            options[current] = match.group(2)
        elif current is not None:
            options[current] = f"{options[current]} {word}" if options[current] else word
        else:
            path.append(word)
    if not path:
        raise SlashLineError("write a command name after '/', e.g. /ping")
    return " ".join(path), options
