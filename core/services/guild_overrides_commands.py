"""The slash-command side of :mod:`core.services.guild_overrides`: show a guild's values, and apply
the options an admin gave through the same :meth:`GuildOverrides.change` as the dashboard
(validated, audited as ``slash``, every process's cache dropped). The answers are core's
``overrides.*`` texts in the reader's language (the settings' own validation messages, from
pydantic, stay English)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.bot.texts import TEXTS
from core.services.guild_overrides import GuildOverrides


@dataclass(frozen=True)
class Outcome:
    """What a ``set`` command answers; ``ok`` false: refused, nothing written."""

    ok: bool
    text: str


async def show(overrides: GuildOverrides[Any], guild_id: int, defaults: BaseModel,
               title: str, reader: Any = None) -> str:
    """One line per overridable setting with the guild's value (``default`` when unchanged),
    for ``reader`` (an interaction; English without one)."""
    t = TEXTS.to(reader)
    values = await overrides.effective(guild_id, defaults)
    lines = [f"**{title}**"]
    for field in overrides.fields:
        value = getattr(values, field)
        mark = f" {t('overrides.default')}" if value == getattr(defaults, field) else ""
        lines.append(f"`{field}`: {t.number(value)}{mark}")
    return "\n".join(lines)


async def change(
    overrides: GuildOverrides[Any], guild_id: int, defaults: BaseModel,
    options: Mapping[str, int | None], *, actor_id: int, reader: Any = None,
) -> Outcome:
    """Set the options given (``None``: left alone) for the guild, from a slash command;
    answered for ``reader`` (an interaction; English without one)."""
    t = TEXTS.to(reader)
    changes = {k: v for k, v in options.items() if v is not None}
    if not changes:
        return Outcome(False, t("overrides.give_one", fields=", ".join(overrides.fields)))
    before = await overrides.effective(guild_id, defaults)
    try:
        after = await overrides.change(guild_id, defaults, changes, actor_id=actor_id,
                                       source="slash")
    except ValueError as exc:
        return Outcome(False, t("overrides.refused", error=str(exc)))
    moved = [f"`{f}` {t.number(getattr(before, f))} → {t.number(getattr(after, f))}"
             for f in overrides.fields if getattr(before, f) != getattr(after, f)]
    if not moved:
        return Outcome(True, t("overrides.same"))
    return Outcome(True, t("overrides.changed", changes=", ".join(moved)))
