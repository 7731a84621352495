"""The safe template renderer shared by custom commands and welcome messages.

A regex finds ``{name}`` tokens; each known name maps to a string the caller computed up
front (never ``str.format``, never attribute access on user text). ``{random:a|b}`` picks
one option and ``{argN}`` the N-th argument (where the caller has arguments). Unknown or
malformed tokens stay as written; substituted values are not rendered again. The result
is then neutralised for display: ``@everyone``/``@here`` and role mentions lose their
mention syntax (callers also send it with allowed mentions limited to one user), and it
is cut to 2,000 characters.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence

MAX_OUTPUT = 2000
MAX_ARG_INDEX = 99
ZWSP = "\u200b"
TOKEN = re.compile(r"\{(random:[^{}]*|[a-z0-9._]{1,16})\}")
ARG = re.compile(r"arg([1-9][0-9]?)")
MASS = re.compile(r"@(everyone|here)")
ROLE = re.compile(r"<@&(\d*)>")


def neutralise(text: str) -> str:
    """Break ``@everyone``, ``@here`` and role mentions so they neither ping nor render."""
    text = MASS.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    return ROLE.sub(lambda m: f"@{ZWSP}role", text)


def render_template(
    template: str, table: Mapping[str, str], args: Sequence[str] | None = None,
    rng: random.Random | None = None, empty: str = "(empty response)",
) -> str:
    """``template`` with ``table``'s tokens substituted, neutralised and cut to 2,000
    characters (``empty`` when nothing is left); ``{argN}`` only when ``args`` is given
    (a missing argument is empty), else it stays as written."""
    choose = (rng or random).choice

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in table:
            return table[key]
        if key.startswith("random:"):
            options = key[len("random:"):].split("|")
            return choose(options) if key != "random:" else match.group(0)
        arg = ARG.fullmatch(key)
        if args is not None and arg is not None and int(arg.group(1)) <= MAX_ARG_INDEX:
            index = int(arg.group(1)) - 1
            return args[index] if index < len(args) else ""
        return match.group(0)

    text = neutralise(TOKEN.sub(substitute, template))
    if len(text) > MAX_OUTPUT:
        text = text[: MAX_OUTPUT - 1] + "…"
    return text or empty
