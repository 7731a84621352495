"""What Discord would ping, written from Discord's rules (not from the code under test).

Discord turns these into mentions in a message's content: ``@everyone`` and ``@here``
(anywhere, no word boundary needed), ``<@id>`` and ``<@!id>`` (a user), ``<@&id>`` (a
role), where ``id`` is a snowflake (digits). Any character between the parts - a
zero-width space after ``@`` for instance - breaks the mention. ``allowed_mentions``
then decides which of them notify anyone: when it is absent Discord notifies all;
otherwise only the kinds listed in ``parse`` and the ids listed in ``users``/``roles``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_EVERYONE = re.compile(r"@(everyone|here)")
_USER = re.compile(r"<@!?([0-9]+)>")
_ROLE = re.compile(r"<@&([0-9]+)>")


@dataclass(frozen=True)
class Mentions:
    """Mentions present in a text (rendered as such by Discord clients)."""

    everyone: bool = False
    users: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[int] = field(default_factory=frozenset)


def mentions_in(text: str) -> Mentions:
    """Every mention Discord would parse in ``text``."""
    return Mentions(
        everyone=_EVERYONE.search(text) is not None,
        users=frozenset(int(m) for m in _USER.findall(text)),
        roles=frozenset(int(m) for m in _ROLE.findall(text)),
    )


def would_ping(text: str, allowed_mentions: dict[str, Any] | None) -> Mentions:
    """The mentions in ``text`` that would notify someone under ``allowed_mentions``."""
    found = mentions_in(text)
    if allowed_mentions is None:
        return found
    parse = set(allowed_mentions.get("parse") or [])
    users = {int(u) for u in allowed_mentions.get("users") or []}
    roles = {int(r) for r in allowed_mentions.get("roles") or []}
    return Mentions(
        everyone=found.everyone and "everyone" in parse,
        users=found.users if "users" in parse else found.users & users,
        roles=found.roles if "roles" in parse else found.roles & roles,
    )
