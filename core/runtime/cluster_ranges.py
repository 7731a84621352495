"""Cluster and shard id ranges as operators write them: ``4-7``, ``3``, ``0-1,6-7``."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PART = re.compile(r"^\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?$")


def parse_clusters(text: str) -> list[int]:
    """``"0-1,4"`` -> ``[0, 1, 4]``; raise ``ValueError`` naming the bad part."""
    found: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part)
        if match is None:
            raise ValueError(
                f"{part.strip()!r} is not a cluster number or range; write e.g. 4-7 or 0-1,6"
            )
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise ValueError(f"{part.strip()!r}: a range goes from low to high, e.g. 4-7")
        found.update(range(first, last + 1))
    return sorted(found)


def compact(numbers: Iterable[int]) -> str:
    """``[0, 1, 2, 5]`` -> ``"0-2,5"`` (for titles, logs and the status table)."""
    ordered = sorted(set(numbers))
    if not ordered:
        return "-"
    parts: list[str] = []
    start = prev = ordered[0]
    for number in [*ordered[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if number is not None:
            start = prev = number
    return ",".join(parts)
