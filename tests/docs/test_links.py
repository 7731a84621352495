"""Every relative link of README.md and docs/ points at a file of the repository, and
every #anchor at a heading of that page; every docs page is reachable from README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.links import anchors, relative_links, slug
from tests.docs.pages import DOCS, README, doc_files
from tests.helpers import ROOT

FIXTURE_READMES = sorted((ROOT / "tests" / "fixtures").glob("*/README.md"))


def link_target(page: Path, target: str) -> Path:
    """The file a link of ``page`` names (the page itself for a bare ``#anchor``)."""
    file_part = target.partition("#")[0]
    return (page.parent / file_part).resolve() if file_part else page


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """The link targets of one page that name no file under ``root``, or no heading."""
    broken = []
    for target in relative_links(page):
        resolved, anchor = link_target(page, target), target.partition("#")[2]
        if not resolved.is_relative_to(root) or not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no heading with that anchor)")
    return broken


@pytest.mark.parametrize(
    "page", [*doc_files(), *FIXTURE_READMES], ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    reached, todo = {README}, [README]
    while todo:
        page = todo.pop()
        for target in relative_links(page):
            linked = link_target(page, target)
            if linked.suffix == ".md" and linked.exists() and linked not in reached:
                reached.add(linked)
                todo.append(linked)
    orphans = [p.relative_to(ROOT).as_posix() for p in sorted(DOCS.rglob("*.md"))
               if p.resolve() not in reached]
    assert orphans == [], (
        "link these pages from README.md or a page it links (docs/security/*.md rules "
        "belong in docs/security.md, at its marker)"
    )


def test_the_checker_reports_a_missing_file_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## The leader: timers, backups\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#the-leader-timers-backups) [self](#page)\n"
        "[gone](missing.md) [bad anchor](other.md#nowhere) [web](https://example.org)\n"
        "`[code](not-a-link.md)`\n\n```text\n[fenced](not-a-link-either.md)\n```\n"
    )
    assert broken_links(page, root=tmp_path) == [
        "missing.md (no such file)",
        "other.md#nowhere (no heading with that anchor)",
    ]


def test_anchors_follow_github() -> None:
    assert slug("Messages between workers (the bus)") == "messages-between-workers-the-bus"
    assert slug("`guildhall sandbox` never acts on a deployment") == (
        "guildhall-sandbox-never-acts-on-a-deployment"
    )
    assert slug("Dashboard (web) security rules") == "dashboard-web-security-rules"
