"""Which REST routes were called in this process, served or not, for the run's summary line.

Every double records each request in its own log; this module keeps the process-wide tally
the pytest plugin prints at the end of the run (``routes guildhall called that the double
lacks``), plus the conformance results the conformance test fills in.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from .recording import RecordedRequest

# (method, route template) -> requests seen, for routes a double serves
CALLED: Counter[tuple[str, str]] = Counter()
# (method, route template or raw path) -> requests seen, for routes no double serves
UNSERVED: Counter[tuple[str, str]] = Counter()
# (method, route template, case name) -> the answer conformed (tests/double/test_conformance.py)
CONFORMANCE: dict[tuple[str, str, str], bool] = {}

_SEGMENT = "[^/]+"


def record(rec: RecordedRequest) -> None:
    """Count one recorded request in the process-wide tally."""
    (UNSERVED if rec.unserved else CALLED)[(rec.method, rec.route)] += 1


@cache
def served_routes() -> frozenset[tuple[str, str]]:
    """Every ``(METHOD, template)`` the double serves."""
    from . import oauth, rest, rest_guilds, rest_messages

    routes = rest.CORE_ROUTES + rest_messages.ROUTES + rest_guilds.ROUTES + oauth.ROUTES
    return frozenset((method, template) for method, template, _ in routes)


@cache
def _documented_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    from .contract import contract

    patterns = []
    for path in contract().spec["paths"]:
        rx = re.escape(path)
        rx = re.sub(r"\\\{[^}]+\\\}", _SEGMENT, rx)
        patterns.append((path, re.compile(f"^{rx}$")))
    # literal segments first, so /users/@me beats /users/{user_id}
    patterns.sort(key=lambda item: item[0].count("{"))
    return tuple(patterns)


def documented_template(path: str) -> str | None:
    """The spec's path template a concrete API path falls under, or None."""
    try:
        patterns = _documented_patterns()
    except ImportError:  # jsonschema / referencing missing: no spec lookup
        return None
    return next((template for template, rx in patterns if rx.match(path)), None)


def summary_lines() -> list[str]:
    """The lines the pytest plugin prints (empty when no double answered anything)."""
    lines: list[str] = []
    if CALLED or UNSERVED:
        requests = sum(CALLED.values()) + sum(UNSERVED.values())
        lacking = sorted(f"{m} {r} ({n}x)" for (m, r), n in UNSERVED.items())
        lines.append(
            f"discord double routes: {len(served_routes())} served, {len(CALLED)} called "
            f"({requests} requests); routes called that the double lacks: "
            + (", ".join(lacking) if lacking else "none")
        )
    if CONFORMANCE:
        routes = {(m, r) for m, r, _ in CONFORMANCE}
        failing = {(m, r) for (m, r, _), ok in CONFORMANCE.items() if not ok}
        lines.append(
            f"discord double conformance: {len(routes)} routes implemented and documented, "
            f"{len(routes - failing)} conformant; {sum(CONFORMANCE.values())}/{len(CONFORMANCE)} "
            "answers (errors included) valid against Discord's OpenAPI schema"
        )
    return lines
