"""Tab completion in the sandbox prompt: commands, subcommands, option names and values.

:func:`complete` is pure (text before the cursor in, candidates out), so it is tested
without a terminal; :mod:`core.testing.sandbox.prompt` hands it to prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.testing.double.invoke import BOOLEAN, CHANNEL, MENTIONABLE, USER
from core.testing.sandbox.catalog import Catalog

CHAT_COMMANDS = (":help", ":commands", ":quit")


@dataclass(frozen=True)
class Candidates:
    """Words that may replace the last ``replace`` characters before the cursor."""

    words: list[str]
    replace: int


def _matching(prefix: str, options: Iterable[str]) -> list[str]:
    return sorted({o for o in options if o.startswith(prefix)})


def _option_values(kind: int, people: Iterable[str], channels: Iterable[str]) -> list[str]:
    if kind in (USER, MENTIONABLE):
        return [f"@{name}" for name in people]
    if kind == CHANNEL:
        return [f"#{name}" for name in channels]
    if kind == BOOLEAN:
        return ["true", "false"]
    return []


def complete(
    text: str, catalog: Catalog, people: Iterable[str], channels: Iterable[str] = ()
) -> Candidates:
    """What may complete the word at the end of ``text`` (the line before the cursor)."""
    if " " not in text and text.startswith(":"):
        return Candidates(_matching(text, CHAT_COMMANDS), len(text))
    if " " not in text and text.startswith("@"):
        return Candidates(_matching(text, (f"@{p}" for p in people)), len(text))
    if not text.startswith("/"):
        return Candidates([], 0)
    *before, word = text[1:].split(" ")
    path: list[str] = []
    for typed in before:
        if typed and " ".join([*path, typed]) in catalog:
            path.append(typed)
    entry = catalog.get(" ".join(path))
    if entry is None and (path or any(before)):  # an unknown command: nothing to offer
        return Candidates([], 0)
    if entry is None or entry.is_group:  # a command or subcommand name comes next
        names = entry.children if entry else [p for p in catalog if " " not in p]
        return Candidates(_matching(word, names), len(word))
    if "=" in word:
        key, value = word.split("=", 1)
        option = next((o for o in entry.options if o.name == key), None)
        values = _option_values(option.type, people, channels) if option else []
        return Candidates(_matching(value, values), len(value))
    used = {typed.split("=", 1)[0] for typed in before if "=" in typed}
    free = [f"{o.name}=" for o in entry.options if o.name not in used]
    return Candidates(_matching(word, free), len(word))
