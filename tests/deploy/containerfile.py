"""A small Containerfile reader: instructions (continuations joined) grouped by stage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_FROM = re.compile(r"^(?P<image>\S+)(?:\s+AS\s+(?P<name>\S+))?$", re.IGNORECASE)


@dataclass
class Stage:
    """One ``FROM`` and the instructions after it."""

    name: str
    image: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """Arguments of every ``keyword`` instruction of the stage."""
        return [args for kw, args in self.instructions if kw == keyword.upper()]


@dataclass
class Containerfile:
    """Global ``ARG`` defaults and the stages in order."""

    args: dict[str, str]
    stages: list[Stage]

    def stage(self, name: str) -> Stage:
        """The stage called ``name`` (KeyError when there is none)."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)


def _logical_lines(text: str) -> list[str]:
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        raise ValueError(f"the file ends inside a continued line: {current[:60]!r}")
    return lines


def parse(path: Path) -> Containerfile:
    """Parse ``path``; raise ``ValueError`` for what a builder would reject."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text(encoding="utf-8")):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            match = _FROM.match(rest)
            if match is None:
                raise ValueError(f"bad FROM: {rest!r}")
            stages.append(Stage(match["name"] or str(len(stages)), match["image"]))
        elif not stages:
            if keyword != "ARG":
                raise ValueError(f"{keyword} before the first FROM")
            name, _, default = rest.partition("=")
            args[name] = default
        else:
            if keyword in ("ENTRYPOINT", "CMD", "VOLUME") and rest.startswith("["):
                json.loads(rest)  # exec form must be a JSON array
            stages[-1].instructions.append((keyword, rest))
    return Containerfile(args, stages)
