"""Plugin panels of the settings page, contributed through ``guildhall_web_panels``.

:func:`collect` asks every enabled plugin once, when the application is created;
:func:`read_form` turns a posted form into the typed values a panel's ``save`` receives
(refusing a malformed number or another server's channel before the plugin is called).
:func:`overrides_panel` builds the panel of a plugin's :class:`GuildOverrides`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from core.plugins.contracts import PanelField, WebPanel
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services.guild_overrides import GuildOverrides
from core.web.guild_objects import GuildObjects
from core.web.params import bounded

log = logging.getLogger(__name__)
RESERVED = frozenset({"general", "plugins", "leveling", "commands"})
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class PluginPanel:
    """A panel and the plugin that contributed it."""

    plugin: str
    panel: WebPanel


PANELS = web.AppKey("guildhall_web_panels", dict)


def collect(plugins: PluginManager, settings: Settings) -> dict[str, PluginPanel]:
    """Every enabled plugin's panels by name, in ``[plugins] enabled`` order; a bad or
    taken name is logged and skipped (the first plugin keeps it)."""
    found: dict[str, PluginPanel] = {}
    order = {name: i for i, name in enumerate(plugins.enabled)}  # the page follows [plugins]
    answers = plugins.call("guildhall_web_panels", settings=settings)
    for plugin, panels in sorted(answers, key=lambda answer: order.get(answer[0], 0)):
        for panel in panels:
            if not isinstance(panel, WebPanel) or not _NAME.match(panel.name):
                log.error("plugin %r: skipped a web panel without a valid name", plugin)
            elif panel.name in RESERVED or panel.name in found:
                log.error("plugin %r: web panel name %r is already taken", plugin, panel.name)
            else:
                found[panel.name] = PluginPanel(plugin, panel)
    return found


def _number(raw: str, spec: PanelField) -> int:
    value = bounded(raw, 0, 999_999_999)
    if value is None:
        raise ValueError(f"{spec.label}: enter a whole number")
    return value


def read_form(panel: WebPanel, form: Any, objects: GuildObjects) -> dict[str, Any]:
    """The panel's values from ``form``; ``ValueError`` naming the field when one is bad."""
    values: dict[str, Any] = {}
    for spec in panel.fields:
        raw = str(form.get(spec.name) or "").strip()
        if len(raw) > spec.max_length:
            raise ValueError(f"{spec.label}: at most {spec.max_length:,} characters")
        if spec.kind == "number":
            values[spec.name] = _number(raw, spec)
        elif spec.kind == "channel":
            values[spec.name] = objects.channel(raw)
        elif spec.kind == "choice" and raw not in {value for value, _ in spec.choices}:
            raise ValueError(f"{spec.label}: choose one of the options")
        else:
            values[spec.name] = raw
    return values


def overrides_panel(
    overrides: GuildOverrides[Any], settings: Settings, title: str, labels: dict[str, str]
) -> WebPanel:
    """The panel changing ``overrides.fields`` (numbers) of a guild through ``change``.

    The defaults are the plugin's ``[plugins.<overrides.name>]`` section; its other values
    are shown read-only, as the same in every server.
    """
    defaults = overrides.model.model_validate(settings.plugins.section(overrides.name))

    async def load(guild_id: int) -> dict[str, Any]:
        merged = await overrides.effective(guild_id, defaults)
        return {f: getattr(merged, f) for f in overrides.fields}

    async def save(guild_id: int, values: dict[str, Any], actor_id: int) -> None:
        await overrides.change(guild_id, defaults, values, actor_id=actor_id, source="web")

    fixed = {k: v for k, v in defaults.model_dump().items() if k not in overrides.fields}
    fields = tuple(PanelField(f, labels.get(f, f.replace("_", " "))) for f in overrides.fields)
    return WebPanel(overrides.name, title, fields, load, save, fixed)
