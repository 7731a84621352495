"""Prints the double's conformance coverage line at the end of the run."""

from __future__ import annotations

from typing import Any

from .coverage import RESULTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """implemented / documented / conformant routes, and answers checked."""
    if not RESULTS:
        return
    routes = {(m, r) for m, r, _ in RESULTS}
    failing = {(m, r) for (m, r, _), ok in RESULTS.items() if not ok}
    terminalreporter.write_line(
        f"discord double conformance: {len(routes)} routes implemented and documented, "
        f"{len(routes - failing)} conformant; {sum(RESULTS.values())}/{len(RESULTS)} answers "
        "(errors included) valid against Discord's OpenAPI schema"
    )
