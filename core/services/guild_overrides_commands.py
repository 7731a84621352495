"""The slash-command side of :mod:`core.services.guild_overrides`: show a guild's values, and apply
the options an admin gave through the same :meth:`GuildOverrides.change` as the dashboard
(validated, audited as ``slash``, every process's cache dropped). The answers are core's
``overrides.*`` texts in the reader's language, the settings named by the plugin's labels
(:meth:`GuildOverrides.label`) and refusals worded per reader
(:class:`core.services.settings_errors.SettingsRefused`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.bot.texts import TEXTS
from core.i18n.formatting import format_value
from core.services.guild_overrides import GuildOverrides
from core.services.settings_errors import SettingsRefused


@dataclass(frozen=True)
class Outcome:
    """What a ``set`` command answers; ``ok`` false: refused, nothing written."""

    ok: bool
    text: str


async def show(overrides: GuildOverrides[Any], guild_id: int, defaults: BaseModel,
               reader: Any = None) -> str:
    """The settings' title, then one line per overridable setting (its label and the
    guild's value, ``default`` when unchanged), for ``reader`` (an interaction; English
    without one)."""
    t = TEXTS.to(reader)
    values = await overrides.effective(guild_id, defaults)
    lines = [t("overrides.title", title=overrides.title())]
    for field in overrides.fields:
        value = getattr(values, field)
        line = t("overrides.line", setting=overrides.label(field), value=value)
        mark = f" {t('overrides.default')}" if value == getattr(defaults, field) else ""
        lines.append(line + mark)
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
        labels = ", ".join(format_value(overrides.label(f), t.format_locale)
                           for f in overrides.fields)
        return Outcome(False, t("overrides.give_one", fields=labels))
    before = await overrides.effective(guild_id, defaults)
    try:
        after = await overrides.change(guild_id, defaults, changes, actor_id=actor_id,
                                       source="slash")
    except SettingsRefused as exc:
        return Outcome(False, t("overrides.refused", error=exc))
    moved = [t("overrides.moved", setting=overrides.label(f), before=getattr(before, f),
               after=getattr(after, f))
             for f in overrides.fields if getattr(before, f) != getattr(after, f)]
    if not moved:
        return Outcome(True, t("overrides.same"))
    return Outcome(True, t("overrides.changed", changes="; ".join(moved)))
