"""Settings as a person reads them on the dashboard: a label and a value per setting.

Labels of plugin settings are the ``title`` of the field in the plugin's settings model
(``Field(..., title="Daily reward")``; ``tests/plugins/test_setting_labels.py`` checks
that every built-in plugin gives one); core's own settings are labelled here. Values are
shown by type: booleans ``Yes``/``No``; nothing and empty maps ``none``; a name ending
in ``_seconds``/``_minutes``/``_hours``/``_days`` as a duration; ``_channel_id`` and
``_role_id`` by the channel's or role's name; ``_symbol`` through the currency-symbol
renderer; a map of permissions by Discord's permission names; numbers with separators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from core.bot.errors import permission_names

COIN = "\N{COIN}"
UNITS = {"_seconds": "second", "_minutes": "minute", "_hours": "hour", "_days": "day"}
CORE_LABELS = {
    "prefix": "Command prefix",
    "public_pages": "Public leaderboard and statistics",
    "log_channel_id": "Moderation log channel",
    "mute_role_id": "Mute role",
    "welcome_channel_id": "Welcome channel",
    "auto_role_id": "Role given on join",
    "xp_enabled": "XP for messages",
}
PERMISSION_FLAGS = frozenset({"moderate_members", "kick_members", "ban_members",
                              "manage_guild", "manage_roles", "manage_messages"})


def names_of(channels: Iterable[Any], roles: Iterable[Any]) -> dict[int, str]:
    """``#channel`` and ``@role`` names by id, from a guild's channels and roles."""
    return {**{r.id: f"@{r.name}" for r in roles}, **{c.id: f"#{c.name}" for c in channels}}


def humanize(name: str) -> str:
    """``warning_expiry_days`` -> ``Warning expiry days`` (the fallback label)."""
    text = name.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def label(model: type[BaseModel] | None, name: str) -> str:
    """The label of setting ``name`` of ``model`` (core's own when ``model`` is ``None``)."""
    field = model.model_fields.get(name) if model is not None else None
    if field is not None and field.title:
        return field.title
    return CORE_LABELS.get(name) or humanize(name)


def currency_symbol(symbol: str) -> Markup:
    """The currency symbol as markup that renders everywhere: the coin as a picture shipped
    with the dashboard (few system fonts have U+1FA99), any other symbol as text in a font
    stack with the common emoji fonts."""
    if symbol == COIN:
        return Markup('<img class="symbol" src="/static/coin.svg" alt="{}" title="{}" '
                      'width="18" height="18">').format(symbol, symbol)
    return Markup('<span class="symbol">{}</span>').format(symbol)


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"


def _duration(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}{'' if value == 1 else 's'}"


def _mapping(value: Mapping[Any, Any]) -> str:
    parts = []
    for key, item in value.items():
        shown = permission_names([key]) if key in PERMISSION_FLAGS else humanize(str(key))
        parts.append(f"{shown}: {item}")
    return "; ".join(parts)


def value_text(name: str, value: Any, names: Mapping[int, str] | None = None) -> str | Markup:
    """``value`` of setting ``name`` as a person reads it (markup only for a symbol)."""
    if value is None or value == "" or (isinstance(value, Mapping | list | tuple) and
                                        not value):
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name.endswith("_symbol") and isinstance(value, str):
        return currency_symbol(value)
    if name.endswith(("_channel_id", "_role_id")) and isinstance(value, int | str):
        key = int(value) if str(value).isdigit() else None
        found = (names or {}).get(key) if key is not None else None
        return found or f"unknown ({value})"
    if isinstance(value, int | float):
        for suffix, unit in UNITS.items():
            if name.endswith(suffix):
                return _duration(value, unit)
        return _number(value)
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class SettingLine:
    """One setting on a page: its label and its value."""

    label: str
    value: str | Markup


def lines(model: type[BaseModel] | None, values: Mapping[str, Any],
          names: Mapping[int, str] | None = None) -> list[SettingLine]:
    """Every setting of ``values`` with its label (``model`` gives the titles)."""
    return [SettingLine(label(model, key), value_text(key, value, names))
            for key, value in values.items()]



def audit_label(
    setting: str, models: Mapping[str, type[BaseModel]],
    titles: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """The label of an audit row's ``setting`` and the name its values render by
    (``titles``: plugins' names as people read them)."""
    if setting.startswith("plugin:"):
        plugin = setting.removeprefix("plugin:")
        return f"{(titles or {}).get(plugin, plugin.capitalize())} switched on", "enabled"
    if setting.startswith("role_rule.approved."):
        return "Role approved for the bot to give", "approved"
    plugin, _, rest = setting.partition(".")
    if rest and plugin in models:
        return label(models[plugin], rest), rest
    if rest:
        return f"{humanize(plugin)}: {rest.replace('_', ' ')}", rest
    return label(None, setting), setting
