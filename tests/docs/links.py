"""Relative links of markdown pages and the anchors GitHub gives their headings."""

from __future__ import annotations

import re
from pathlib import Path

from tests.docs.pages import prose_lines

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def relative_links(path: Path) -> list[str]:
    """Every link target of a page that is not a URL with a scheme (code blocks skipped)."""
    text = "\n".join(prose_lines(path.read_text(encoding="utf-8")))
    text = re.sub(r"`[^`\n]*`", "", text)  # a link shown as code is not a link
    return [target for target in LINK.findall(text) if not SCHEME.match(target)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a page's headings, numbered like GitHub's when a heading repeats."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found
