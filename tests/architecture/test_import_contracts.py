"""The import-linter contracts of ``pyproject.toml`` hold, and a broken one is caught.

CI runs ``lint-imports`` on its own; this runs it in the default suite too, so a new
import that breaks a contract fails ``pytest`` as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

PACKAGES = ("core", "cluster", "plugins")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the tree at ``root`` with that tree's ``pyproject.toml``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_every_import_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "6 kept" in result.stdout


def test_a_forbidden_import_breaks_its_contract(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.gz", "*.png"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    collector = tmp_path / "core" / "metrics" / "collector.py"
    collector.write_text(collector.read_text("utf-8") + "\nimport plugins.leveling.service\n",
                         "utf-8")
    cog = tmp_path / "plugins" / "economy" / "cog.py"
    cog.write_text(cog.read_text("utf-8") + "\nfrom core.db import models\n", "utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    output = " ".join(result.stdout.split())
    assert "core never imports plugins (it reaches them only through hooks) BROKEN" in output
    assert "plugins import from core only core.plugins.api" in output
    assert "(web modules also core.web) BROKEN" in output
    assert "core.metrics.collector -> plugins.leveling.service" in result.stdout
    assert "plugins.economy.cog -> core.db.models" in result.stdout
