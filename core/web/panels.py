"""Plugin panels of the settings page (``guildhall_web_panels``), plugin pages
(``guildhall_web_pages``) and fields of the Server form (``guildhall_web_server_fields``).

:func:`collect`, :func:`collect_pages` and :func:`collect_server_fields` ask every enabled
plugin once, when the application is created;
:func:`read_form` turns a posted form into the typed values a panel's ``save`` receives
(refusing a malformed number or another server's channel before the plugin is called).
:func:`overrides_panel` builds the panel of a plugin's :class:`GuildOverrides`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import jinja2
from aiohttp import web

from core.plugins.contracts import PanelField, ServerFields, WebPage, WebPanel
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services.guild_overrides import GuildOverrides
from core.web.guild_objects import GuildObjects
from core.web.params import bounded
from core.web.setting_text import label

log = logging.getLogger(__name__)
RESERVED = frozenset({"general", "plugins"})
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class PluginPanel:
    """A panel and the plugin that contributed it."""

    plugin: str
    panel: WebPanel


@dataclass(frozen=True)
class PluginWebPage:
    """An admin page, the plugin that contributed it and its compiled template."""

    plugin: str
    page: WebPage
    template: jinja2.Template


PANELS = web.AppKey("guildhall_web_panels", dict)
PAGES = web.AppKey("guildhall_web_pages", dict)
SERVER_FIELDS = web.AppKey("guildhall_web_server_fields", list)


def _answers(plugins: PluginManager, hook: str, settings: Settings) -> list[tuple[str, Any]]:
    """The hook's answers in ``[plugins] enabled`` order (the page follows the config)."""
    order = {name: i for i, name in enumerate(plugins.enabled)}
    answers = plugins.call(hook, settings=settings)
    return sorted(answers, key=lambda answer: order.get(answer[0], 0))


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


def _named(plugins: PluginManager, hook: str, kind: type[_N], settings: Settings,
           taken: set[str]) -> dict[str, tuple[str, Any]]:
    """``kind`` items of the hook by name; a bad or taken name is logged and skipped."""
    found: dict[str, tuple[str, Any]] = {}
    for plugin, items in _answers(plugins, hook, settings):
        for item in items:
            if not isinstance(item, kind) or not _NAME.match(item.name):
                log.error("plugin %r: skipped a web %s without a valid name", plugin,
                          kind.__name__)
            elif item.name in RESERVED or item.name in found or item.name in taken:
                log.error("plugin %r: web page name %r is already taken", plugin, item.name)
            else:
                found[item.name] = (plugin, item)
    return found


def collect(plugins: PluginManager, settings: Settings) -> dict[str, PluginPanel]:
    """Every enabled plugin's panels by name, in ``[plugins] enabled`` order; a bad or
    taken name is logged and skipped (the first plugin keeps it)."""
    found = _named(plugins, "guildhall_web_panels", WebPanel, settings, set())
    return {name: PluginPanel(plugin, panel) for name, (plugin, panel) in found.items()}


def collect_pages(
    plugins: PluginManager, settings: Settings, panels: dict[str, PluginPanel],
    env: jinja2.Environment,
) -> dict[str, PluginWebPage]:
    """Every enabled plugin's admin pages by name (a panel's name is taken); a page with
    a broken template is logged and skipped."""
    pages: dict[str, PluginWebPage] = {}
    found = _named(plugins, "guildhall_web_pages", WebPage, settings, set(panels))
    for name, (plugin, page) in found.items():
        try:
            pages[name] = PluginWebPage(plugin, page, env.from_string(page.template))
        except jinja2.TemplateSyntaxError:
            log.exception("plugin %r: web page %r has a broken template", plugin, name)
    return pages


def collect_server_fields(plugins: PluginManager, settings: Settings) -> list[ServerFields]:
    """Every enabled plugin's fields of the Server form; a field name taken by core or
    an earlier plugin is logged and its contributor skipped."""
    taken = {"csrf", "prefix", "public_pages"}
    found: list[ServerFields] = []
    for plugin, items in _answers(plugins, "guildhall_web_server_fields", settings):
        for item in items:
            names = {f.name for f in getattr(item, "fields", ())}
            if not isinstance(item, ServerFields) or names & taken:
                log.error("plugin %r: skipped server fields with a taken name", plugin)
                continue
            taken |= names
            found.append(item)
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
        elif spec.kind == "role":
            values[spec.name] = objects.role_of(raw)
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
    fields = tuple(PanelField(f, labels.get(f) or label(overrides.model, f))
                   for f in overrides.fields)
    return WebPanel(overrides.name, title, fields, load, save, fixed)
