"""Conformance results shared by the conformance test and the coverage line in the summary."""

from __future__ import annotations

# (method, route template, case name) -> the answer conformed
RESULTS: dict[tuple[str, str, str], bool] = {}
