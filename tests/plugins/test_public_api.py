"""Plugins see guildhall through one module: ``core.plugins.api``.

Every plugin module (the built-ins and the example third-party packages) imports from
``core`` only ``core.plugins.api``. A plugin's web modules (``web.py``, ``web_*.py``) may
also import the dashboard helpers of ``core.web`` (charts, params, panels): the dashboard's
own toolkit, which a plugin uses only to contribute pages through the web hooks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from core.bot.guildhall_bot import GuildhallBot
from core.plugins import api, hookspecs
from core.plugins.bot_like import BotLike
from tests.helpers import ROOT

API = "core.plugins.api"
PLUGIN_ROOTS = (
    ROOT / "plugins",
    ROOT / "tests" / "fixtures" / "greetings_dist" / "guildhall_greetings",
    ROOT / "tests" / "fixtures" / "notes_dist" / "gh_notes",
)


def plugin_files() -> list[Path]:
    """Every Python module of the built-in and example plugins (generated migrations aside)."""
    return sorted(path for root in PLUGIN_ROOTS for path in root.rglob("*.py")
                  if "migrations" not in path.parts)


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every import in ``tree``, nested ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def allowed(path: Path, module: str) -> bool:
    """True for a non-core import, the API, or (in a web module: ``web.py``, ``web_*.py``
    only) a ``core.web`` helper."""
    if module != "core" and not module.startswith("core."):
        return True
    if module == API:
        return True
    web_module = path.name == "web.py" or path.name.startswith("web_")
    return web_module and (module == "core.web" or module.startswith("core.web."))


def test_plugins_import_only_the_public_api_from_core() -> None:
    files = plugin_files()
    assert len(files) > 60
    offending = [f"{path.relative_to(ROOT)}:{line}: {module}" for path in files
                 for line, module in imported_modules(ast.parse(path.read_text("utf-8")))
                 if not allowed(path, module)]
    assert offending == []


def test_the_import_check_catches_an_internal_import() -> None:
    tree = ast.parse("from core.services.xp import level_for_xp\n"
                     "def f():\n    import core.db.models\n")
    modules = [module for _, module in imported_modules(tree)]
    assert modules == ["core.services.xp", "core.db.models"]
    assert not any(allowed(Path("plugins/x/cog.py"), module) for module in modules)
    assert not allowed(Path("plugins/x/cog.py"), "core.web.charts")
    assert allowed(Path("plugins/x/web.py"), "core.web.charts")
    assert allowed(Path("plugins/x/cog.py"), API)


def test_every_name_in_the_api_resolves_once() -> None:
    names = api.__all__
    assert len(names) == len(set(names)) > 40
    assert [name for name in names if not hasattr(api, name)] == []
    assert api.hookimpl is hookspecs.hookimpl


def test_every_hook_belongs_to_exactly_one_phase() -> None:
    hooks = sorted(name for name, value in vars(hookspecs).items()
                   if name.startswith("guildhall_") and hasattr(value, "guildhall_spec"))
    phased = [name for names in hookspecs.PHASES.values() for name in names]
    assert len(hooks) >= 15
    assert sorted(phased) == hooks


def bot_uses(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, attribute) for each ``bot.X``, ``self.bot.X`` or ``cog.bot.X`` in ``tree``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == "bot") or (
                isinstance(owner, ast.Attribute) and owner.attr == "bot"):
            yield node.lineno, node.attr


def protocol_members() -> set[str]:
    """The attributes and methods ``BotLike`` declares."""
    return set(BotLike.__annotations__) | {name for name in vars(BotLike)
                                           if not name.startswith("_")}


def test_botlike_declares_everything_plugins_use_of_the_bot() -> None:
    members = protocol_members()
    used = [(path, line, attribute) for path in plugin_files()
            for line, attribute in bot_uses(ast.parse(path.read_text("utf-8")))]
    assert len(used) > 30
    assert [f"{path.relative_to(ROOT)}:{line}: bot.{attribute}" for path, line, attribute in used
            if attribute not in members] == []


async def test_the_running_bot_is_botlike(guildhall_bot: GuildhallBot) -> None:
    assert isinstance(guildhall_bot, BotLike)
    assert [name for name in protocol_members() if not hasattr(guildhall_bot, name)] == []
    assert guildhall_bot.guild_configs is not None and guildhall_bot.bus is not None
