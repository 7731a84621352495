"""docs/layout.md is generated from the tree (packages' docstrings are the source of truth)
and the committed file equals what ``python3 scripts/layout.py`` writes now."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from tests.helpers import ROOT

SCRIPT = ROOT / "scripts" / "layout.py"


def load_layout() -> ModuleType:
    """scripts/layout.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("guildhall_layout_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layout = load_layout()


def test_committed_layout_page_equals_the_tree() -> None:
    committed = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    assert committed == layout.render(), (
        f"docs/layout.md is out of date: run `{layout.COMMAND}` and commit it"
    )


def test_every_package_has_a_docstring_and_is_listed() -> None:
    packages = layout.packages()
    undocumented = [package for package, summary in packages if not summary]
    assert undocumented == []
    on_disk = {p.parent.relative_to(ROOT).as_posix() + "/"
               for top in ("core", "plugins", "cluster") for p in (ROOT / top).rglob("__init__.py")}
    assert {package for package, _ in packages} == on_disk
    assert {"core/leader/", "core/timers/", "core/coordination/", "plugins/leveling/"} <= on_disk


def test_the_page_follows_a_changed_tree(tmp_path: Path) -> None:
    for top in ("core", "plugins", "cluster"):
        (tmp_path / top).mkdir()
        (tmp_path / top / "__init__.py").write_text(f'"""The {top} root."""\n')
    (tmp_path / "core" / "widgets").mkdir()
    (tmp_path / "core" / "widgets" / "__init__.py").write_text(
        '"""Widgets: a | b.\n\nMore text that stays out."""\n'
    )
    (tmp_path / "core" / "bare").mkdir()
    (tmp_path / "core" / "bare" / "__init__.py").write_text("X = 1\n")
    text = layout.render(tmp_path)
    assert "| `core/widgets/` | Widgets: a \\| b. |" in text
    assert "| `core/bare/` | (no docstring) |" in text
    assert "More text" not in text
    assert text.index("`core/`") < text.index("`core/bare/`") < text.index("`core/widgets/`")


def test_the_check_command_passes_on_the_committed_page() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
