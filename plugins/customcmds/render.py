"""Template rendering for custom commands: the values a template may show about one use.

The rendering itself (plain substitution from a fixed table, neutralised mentions, the
2,000-character cut) is core's :mod:`core.services.templates`, shared with welcome
messages; this module builds the custom command's table from the invocation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from core.plugins.api import MAX_OUTPUT, ZWSP, neutralise, render_template

__all__ = ["MAX_OUTPUT", "ZWSP", "Invocation", "neutralise", "render"]


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


def render(template: str, inv: Invocation, rng: random.Random | None = None,
           empty: str = "(empty response)") -> str:
    """The response for ``inv``: substituted, neutralised and cut to 2,000 characters
    (``empty``, in the guild's language, when nothing is left)."""
    return render_template(template, _table(inv), inv.args, rng, empty=empty)
