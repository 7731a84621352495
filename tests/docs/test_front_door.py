"""README.md is a front door: under 8 KB, the two commands (the test command exactly as CI
runs it), and links to the main pages under docs/."""

from __future__ import annotations

import re

from tests.docs.links import relative_links
from tests.docs.pages import DOCS, README
from tests.helpers import ROOT

LIMIT_BYTES = 8 * 1024
MAIN_PAGES = ("configuration", "cli", "operations", "dashboard", "plugin-authoring", "testing",
              "performance", "data", "DATABASE", "privacy", "security", "architecture", "layout")


def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_readme_is_under_8_kb() -> None:
    assert len(README.read_bytes()) < LIMIT_BYTES


def test_readme_test_command_is_the_one_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_test = [line.strip() for line in ci.splitlines() if re.match(r"\s*python3 scripts/dev", line)
               and " test" in line]
    assert ci_test == ["python3 scripts/dev.py test"]
    assert "python3 scripts/dev.py run " in readme()
    assert f"{ci_test[0]}    # install and run the whole test suite" in readme()


def test_readme_commands_exist_in_the_bootstrap_script() -> None:
    bootstrap = (ROOT / "scripts" / "dev.py").read_text(encoding="utf-8")
    assert 'sys.argv[1] not in ("run", "test", "setup")' in bootstrap
    assert "GUILDHALL_REQUIRE_SERVICES=1" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "GUILDHALL_REQUIRE_SERVICES=1" in readme()


def test_readme_links_the_main_pages() -> None:
    """Every other page is reached through these (tests/docs/test_links.py checks that)."""
    linked = {target.partition("#")[0] for target in relative_links(README)}
    assert {f"docs/{name}.md" for name in MAIN_PAGES} - linked == set()
    assert all((DOCS / f"{name}.md").exists() for name in MAIN_PAGES)
