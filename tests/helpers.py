"""Shared test helpers (raw SQL access for checks that must bypass the ORM)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tortoise import connections

ROOT = Path(__file__).resolve().parent.parent
NOTES_DIST = ROOT / "tests" / "fixtures" / "notes_dist"


async def fetch(sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of a raw query on the open test database, as tuples."""
    _, rows = await connections.get("default").execute_query(sql, params or [])
    return [tuple(row) if not isinstance(row, dict) else tuple(row.values()) for row in rows]


async def execute(sql: str, params: list[Any] | None = None) -> int:
    """Run a raw statement; return the affected row count."""
    count, _ = await connections.get("default").execute_query(sql, params or [])
    return count


def guildhall(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real ``guildhall`` CLI in a subprocess (same interpreter)."""
    return subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", *args],
        capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=timeout,
    )
