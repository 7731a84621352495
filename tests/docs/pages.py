"""The documentation pages as text: README.md (the front door) and docs/**/*.md."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
FENCE = re.compile(r"^\s*(```|~~~)")


def doc_files() -> list[Path]:
    """README.md and every markdown page under docs/, sorted."""
    return [README, *sorted(DOCS.rglob("*.md"))]


def page(name: str) -> str:
    """The text of one page under docs/ (``"cli.md"``, ``"plugins/leveling.md"``)."""
    return (DOCS / name).read_text(encoding="utf-8")


def docs_text() -> str:
    """README and every docs page in one string: for "is it documented somewhere"."""
    return "\n".join(path.read_text(encoding="utf-8") for path in doc_files())


def prose_lines(text: str) -> list[str]:
    """The lines of a markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines
