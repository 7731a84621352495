"""Every e2e test that starts a bot runs under each ``[bot] profile``: the default on both
engines, ``large`` once more on SQLite; ``$GUILDHALL_TEST_PROFILE`` picks one for all.

Checked on pytest's own collection of real e2e modules (no test is run)."""

from __future__ import annotations

import os
import subprocess
import sys

from core.testing.bot_fixtures import PROFILE_VARIABLE
from tests.helpers import ROOT

MODULES = [
    "tests/e2e/test_connect.py",         # guildhall_bot: engines and profiles paired
    "tests/e2e/test_sandbox_prompt.py",  # a sandbox process, no engine: one per profile
    "tests/e2e/test_large_profile.py",   # pins the large profile itself
    "tests/e2e/test_sandbox_script.py",  # starts no bot: not multiplied
]


def collected(**env: str) -> list[str]:
    """The node ids pytest collects from ``MODULES`` under ``env``."""
    clean = {k: v for k, v in os.environ.items() if k != PROFILE_VARIABLE}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *MODULES],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def params(ids: list[str], name: str) -> list[str]:
    """The parameter ids of test ``name`` in ``ids`` ("" for a test without any)."""
    split = [i.partition("[") for i in ids]
    return [param.rstrip("]") for test, _, param in split if test.endswith(name)]


def test_every_bot_test_runs_under_both_profiles() -> None:
    ids = collected()
    assert params(ids, "::test_two_shards_ready_with_their_guilds") == [
        "sqlite", "postgres", "sqlite-large"]
    assert params(ids, "::test_ctrl_c_quits_without_enter") == ["default", "large"]
    assert params(ids, "::test_moderation_checks_fetch_members_not_in_the_cache") == [
        "sqlite-large", "postgres-large"]
    assert [i for i in ids if i.endswith("::test_split_slash_options")] == [
        "tests/e2e/test_sandbox_script.py::test_split_slash_options"]


def test_the_profile_variable_runs_everything_under_one_profile() -> None:
    ids = collected(**{PROFILE_VARIABLE: "large"})
    assert params(ids, "::test_two_shards_ready_with_their_guilds") == ["sqlite", "postgres"]
    assert params(ids, "::test_ctrl_c_quits_without_enter") == [""]
