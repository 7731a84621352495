"""The chaos benches (``python -m tests.bench.chaos_*``) import and parse their options."""

from __future__ import annotations

import importlib

import pytest

pytestmark = pytest.mark.reliability
BENCHES = {"chaos_kills": "kills", "chaos_redis": "outage", "chaos_postgres": "downtime",
           "chaos_rest": "share", "chaos_xp": "rounds", "fuzz_hostile": "examples"}


@pytest.mark.parametrize("name", sorted(BENCHES))
def test_bench_imports_and_parses(name: str) -> None:
    module = importlib.import_module(f"tests.bench.{name}")
    assert f"python -m tests.bench.{name}" in (module.__doc__ or "")
    option = BENCHES[name]
    assert getattr(module.parse_args([]), option) > 0
    with pytest.raises(SystemExit):
        module.parse_args([f"--{option}", "not-a-number"])
