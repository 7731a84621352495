"""The slash-command side of :mod:`core.services.guild_overrides`: show a guild's values, and apply
the options an admin gave through the same :meth:`GuildOverrides.change` as the dashboard
(validated, audited as ``slash``, every process's cache dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.services.guild_overrides import GuildOverrides


@dataclass(frozen=True)
class Outcome:
    """What a ``set`` command answers; ``ok`` false: refused, nothing written."""

    ok: bool
    text: str


async def show(overrides: GuildOverrides[Any], guild_id: int, defaults: BaseModel,
               title: str) -> str:
    """One line per overridable setting with the guild's value (``default`` when unchanged)."""
    values = await overrides.effective(guild_id, defaults)
    lines = [f"**{title}**"]
    for field in overrides.fields:
        value = getattr(values, field)
        mark = " (default)" if value == getattr(defaults, field) else ""
        lines.append(f"`{field}`: {value:,}{mark}")
    return "\n".join(lines)


async def change(
    overrides: GuildOverrides[Any], guild_id: int, defaults: BaseModel,
    options: Mapping[str, int | None], *, actor_id: int,
) -> Outcome:
    """Set the options given (``None``: left alone) for the guild, from a slash command."""
    changes = {k: v for k, v in options.items() if v is not None}
    if not changes:
        return Outcome(False, f"Give at least one of: {', '.join(overrides.fields)}. "
                              "Nothing was changed.")
    before = await overrides.effective(guild_id, defaults)
    try:
        after = await overrides.change(guild_id, defaults, changes, actor_id=actor_id,
                                       source="slash")
    except ValueError as exc:
        return Outcome(False, f"{exc}. Nothing was changed.")
    moved = [f"`{f}` {getattr(before, f):,} → {getattr(after, f):,}" for f in overrides.fields
             if getattr(before, f) != getattr(after, f)]
    if not moved:
        return Outcome(True, "Those are already this server's values; nothing changed.")
    return Outcome(True, f"Changed for this server: {', '.join(moved)}.")
