"""Which way imports point: ``core`` never imports ``plugins`` or ``cluster``.

Every module under ``core/`` is parsed (not imported) and each ``import``, ``from ...
import``, and ``importlib.import_module``/``__import__`` of a literal name is checked, in
any scope (functions and ``TYPE_CHECKING`` blocks included). Core may name plugins as
data (``[plugins] enabled``); it may not depend on their code.

:data:`COMPOSITION_ROOTS` lists the modules that start the cluster's processes
(``guildhall run`` and the sandbox) and so still import ``cluster``; the list must
only shrink: a new import fails, and so does an entry that no longer imports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.helpers import ROOT

CORE = ROOT / "core"
FORBIDDEN = ("plugins", "cluster")
COMPOSITION_ROOTS = {
    "core/cli/run_cmd.py": {"cluster.launcher", "cluster.planning"},
    "core/testing/sandbox/cluster.py": {"cluster.planning"},
    "core/testing/sandbox/session.py": {"cluster.supervisor"},
}


def imported_names(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """``(line, dotted module name)`` of every absolute import in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                yield node.lineno, first.value


def forbidden_imports() -> dict[str, set[str]]:
    """``{core module path: forbidden modules it imports}``."""
    found: dict[str, set[str]] = {}
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for _, name in imported_names(tree):
            if name.split(".")[0] in FORBIDDEN:
                found.setdefault(path.relative_to(ROOT).as_posix(), set()).add(name)
    return found


def test_the_scan_sees_every_kind_of_import() -> None:
    source = (
        "import plugins.leveling\n"
        "from plugins import economy\n"
        "from .local import x\n"
        "def f():\n"
        "    from cluster.launcher import launch\n"
        "    importlib.import_module('plugins.moderation.checks')\n"
        "    __import__('cluster')\n"
        "    import_module(name)\n"
    )
    names = {name for _, name in imported_names(ast.parse(source))}
    assert names == {"plugins.leveling", "plugins", "cluster.launcher",
                     "plugins.moderation.checks", "cluster"}


def test_core_imports_no_plugin() -> None:
    found = {path: names for path, names in forbidden_imports().items()
             if any(name.split(".")[0] == "plugins" for name in names)}
    assert found == {}, f"core must not import plugins: {found}"


def test_core_imports_cluster_only_in_its_composition_roots() -> None:
    found = {path: {n for n in names if n.split(".")[0] == "cluster"}
             for path, names in forbidden_imports().items()}
    found = {path: names for path, names in found.items() if names}
    assert found == COMPOSITION_ROOTS, (
        "core must not import cluster (only the listed composition roots still do, and "
        f"the list only shrinks): {found}")


def test_the_scan_covers_core() -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in CORE.rglob("*.py")}
    assert len(modules) > 100 and "core/web/admin.py" in modules
    assert set(COMPOSITION_ROOTS) <= modules
