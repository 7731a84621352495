"""Conformance results shared by the conformance test and the coverage line in the summary."""

from __future__ import annotations

from core.testing.double.route_usage import CONFORMANCE as RESULTS

__all__ = ["RESULTS"]
