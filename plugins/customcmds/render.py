"""Template rendering for custom commands: plain substitution from a fixed table.

A regex finds ``{name}`` tokens; each known name maps to a string computed up front
from the invocation (never ``str.format``, never attribute access on user text). Unknown
or malformed tokens stay as written; substituted values are not rendered again. The
result is then neutralised for display: ``@everyone``/``@here`` and role mentions lose
their mention syntax (the reply also allows pinging only the invoker).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_OUTPUT = 2000
MAX_ARG_INDEX = 99
ZWSP = "\u200b"
TOKEN = re.compile(r"\{(random:[^{}]*|[a-z0-9._]{1,16})\}")
ARG = re.compile(r"arg([1-9][0-9]?)")
MASS = re.compile(r"@(everyone|here)")
ROLE = re.compile(r"<@&(\d*)>")


@dataclass(frozen=True, slots=True)
class Invocation:
    """What a template may show about one use of a custom command (plain values only)."""

    user_id: int
    user_name: str
    user_display: str
    server: str
    server_members: int
    channel_id: int
    args: Sequence[str] = ()
    uses: int = 0


def _table(inv: Invocation) -> dict[str, str]:
    return {
        "user": inv.user_display,
        "user.mention": f"<@{inv.user_id}>",
        "user.name": inv.user_name,
        "user.id": str(inv.user_id),
        "server": inv.server,
        "server.members": str(inv.server_members),
        "channel": f"<#{inv.channel_id}>",
        "args": " ".join(inv.args),
        "uses": str(inv.uses),
    }


def neutralise(text: str) -> str:
    """Break ``@everyone``, ``@here`` and role mentions so they neither ping nor render."""
    text = MASS.sub(lambda m: f"@{ZWSP}{m.group(1)}", text)
    return ROLE.sub(lambda m: f"@{ZWSP}role", text)


def render(template: str, inv: Invocation, rng: random.Random | None = None) -> str:
    """The response for ``inv``: substituted, neutralised and cut to 2,000 characters."""
    table = _table(inv)
    choose = (rng or random).choice

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in table:
            return table[key]
        if key.startswith("random:"):
            options = key[len("random:"):].split("|")
            return choose(options) if key != "random:" else match.group(0)
        arg = ARG.fullmatch(key)
        if arg is not None and int(arg.group(1)) <= MAX_ARG_INDEX:
            index = int(arg.group(1)) - 1
            return inv.args[index] if index < len(inv.args) else ""
        return match.group(0)

    text = neutralise(TOKEN.sub(substitute, template))
    if len(text) > MAX_OUTPUT:
        text = text[: MAX_OUTPUT - 1] + "…"
    return text or "(empty response)"
