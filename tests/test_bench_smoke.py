"""Every benchmark in ``tests/bench`` runs at a tiny size and exits with a meaningful code.

The benchmarks are not collected (``norecursedirs``); this runs each one as
``python -m tests.bench.<name>`` with tiny options and checks its exit code: 0, or
``GOAL_MISSED`` for the benches with a speed goal (a loaded machine may miss it at any
size; a wrong result exits 1 and fails here). That a missed goal really gives a non-zero
code is checked in-process with an unreachable goal.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

from tests.bench import dashboard, leaderboard
from tests.bench.common import GOAL_MISSED, bench_exit
from tests.helpers import ROOT

# name -> (tiny options, whether the bench has a speed goal)
TINY: dict[str, tuple[list[str], bool]] = {
    "archive": (["--rows", "2000", "--rate", "50", "--baseline", "0.5", "--engines", "sqlite",
                 "--batch-size", "250"], True),
    "chaos_kills": (["--kills", "1", "--reminders", "10", "--bans", "2", "--spread", "5",
                     "--workers", "2"], True),
    "chaos_postgres": (["--downtime", "2"], True),
    "chaos_redis": (["--outage", "2"], False),
    "chaos_rest": (["--reminders", "10", "--bans", "2", "--spread", "3", "--engine",
                    "sqlite"], False),
    "chaos_xp": (["--rounds", "1", "--members", "5", "--seconds", "1", "--engine", "sqlite"],
                 False),
    "cluster_memory": (["--guilds", "5", "--members", "3"], False),
    "cluster_start": (["--shards", "2", "--per-cluster", "1", "--max-concurrency", "1",
                       "--window", "0.5"], True),
    "customcmds": (["--engines", "sqlite"], False),
    "dashboard": (["--members", "200", "--runs", "3", "--engines", "sqlite"], True),
    "double_validation": (["--rounds", "1", "--tests", "tests/core/testing/test_double_nonce.py"],
                          True),
    "economy": (["--transfers", "40", "--concurrency", "2", "--engines", "sqlite"], True),
    "fuzz_hostile": (["--examples", "1"], False),
    "guild_cpu": (["--guilds", "5,20", "--members", "2", "--messages", "60", "--rounds", "1",
                   "--rate", "1"], True),
    "hotpath": (["--messages", "300", "--rounds", "1", "--guilds", "2", "--members", "20",
                 "--chunk", "150"], True),
    "i18n_reply": (["--number", "200"], True),
    "leaderboard": (["--members", "200", "--runs", "2", "--engines", "sqlite"], True),
    "memory": (["--guilds", "10,20", "--members", "5"], True),
    "moderation_cases": (["--actions", "20", "--concurrent", "5", "--engines", "sqlite"],
                         False),
    "rest_budget": (["--requests", "40", "--rounds", "1", "--concurrency", "4", "--channels",
                     "4"], True),
    "scale": (["--guilds", "200", "--shards", "4", "--workers", "2", "--seconds", "3",
               "--rate", "100", "--commands", "5", "--level-ups", "5", "--max-concurrency", "2",
               "--window", "0.5"], True),
    "speed_profile": (["--messages", "300", "--pairs", "1"], True),
    "timers": (["--timers", "20", "--spread", "0.3", "--lead", "0.3", "--poll-seconds", "0.3",
                "--engines", "sqlite"], True),
}


def test_every_bench_is_listed() -> None:
    found = {p.stem for p in (ROOT / "tests" / "bench").glob("*.py")} - {"__init__", "common"}
    assert found == set(TINY)


@pytest.mark.processes  # each bench is a process of its own, some start workers
@pytest.mark.parametrize("name", sorted(TINY))
def test_bench_runs_tiny_and_exits_cleanly(name: str) -> None:
    module = importlib.import_module(f"tests.bench.{name}")
    assert module.__doc__ and f"python -m tests.bench.{name}" in module.__doc__
    options, has_speed_goal = TINY[name]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", f"tests.bench.{name}", *options], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=900)
    allowed = {0, GOAL_MISSED} if has_speed_goal else {0}
    assert done.returncode in allowed, (
        f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def test_bench_exit_codes() -> None:
    assert bench_exit(True, True) == 0
    assert bench_exit(True, False) == GOAL_MISSED
    assert bench_exit(False, True) == bench_exit(False, False) == 1


async def test_leaderboard_exits_non_zero_when_it_misses_its_goal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(leaderboard, "TARGET_MS", 0.0)  # no page is ever this fast
    code = await leaderboard.main(leaderboard.parse(["--members", "100", "--runs", "1",
                                                     "--engines", "sqlite"]))
    assert code == GOAL_MISSED and "-> FAIL" in capsys.readouterr().out


async def test_leaderboard_exits_1_when_a_position_is_wrong(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = leaderboard.xp.member_position

    async def off_by_one(guild_id: int, total: int, user_id: int) -> int:
        return await real(guild_id, total, user_id) + 1

    monkeypatch.setattr(leaderboard.xp, "member_position", off_by_one)
    code = await leaderboard.main(leaderboard.parse(["--members", "100", "--runs", "1",
                                                     "--engines", "sqlite"]))
    out = capsys.readouterr().out
    assert code == 1 and "WRONG position" in out and "exact: NO" in out


async def test_dashboard_exits_non_zero_when_it_misses_its_goal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dashboard, "GOAL_P99_MS", 0.0)
    code = await dashboard.main(dashboard.parse(["--members", "100", "--runs", "2",
                                                 "--engines", "sqlite"]))
    assert code == GOAL_MISSED and "-> FAIL" in capsys.readouterr().out


def test_chaos_kills_judges_takeover_lateness_and_losses() -> None:
    from tests.bench import chaos_kills
    from tests.reliability.kills import KillFigures

    def figures(takeover: float, late: float, delivered: int = 10) -> KillFigures:
        return KillFigures(kills=[1.0], takeovers=[takeover], reminders=10,
                           delivered=delivered, bans=2, lifted=2, max_late=late)

    goal = chaos_kills.TAKEOVER_GOAL
    assert goal == 2.5  # the fast-takeover lease: ttl 2.0 s + renew 0.5 s
    assert chaos_kills.verdict(figures(goal, chaos_kills.LATE_GOAL)) == 0
    assert chaos_kills.verdict(figures(goal + 0.01, 0.5)) == GOAL_MISSED
    assert chaos_kills.verdict(figures(1.0, chaos_kills.LATE_GOAL + 0.01)) == GOAL_MISSED
    assert chaos_kills.verdict(figures(goal + 1, 9.0, delivered=9)) == 1  # wrong beats slow


def test_memory_judges_what_guildhall_adds_over_bare_disnake(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.bench import memory

    args = memory.parse_args(["--guilds", "1000,2000"])

    def rows(bare: float, guildhall: float, large: float = 6.0) -> list[dict[str, object]]:
        return [{"kind": kind, "guilds": guilds, "members": guilds * 50, "ready_s": 1.0,
                 "rss_mb": 100.0 + slope * guilds / 1000}
                for kind, slope in (("bare", bare), ("guildhall", guildhall), ("large", large))
                for guilds in (1000, 2000)]

    assert memory.report(rows(50.0, 52.0), args) == 0
    out = capsys.readouterr().out
    assert "guildhall adds 4% (goal at most 10%) -> PASS" in out
    assert f"large <= {memory.LARGE_GOAL_MB:g} MB -> PASS" in out
    assert memory.report(rows(50.0, 55.0), args) == 0  # exactly the goal
    assert memory.report(rows(50.0, 56.0), args) == GOAL_MISSED
    assert "guildhall adds 12% (goal at most 10%) -> FAIL" in capsys.readouterr().out
    assert memory.report(rows(50.0, 52.0, large=16.0), args) == GOAL_MISSED
    assert f"large <= {memory.LARGE_GOAL_MB:g} MB -> FAIL" in capsys.readouterr().out
    assert memory.extra_memory({"guildhall": 5.0}) is None  # one size: no slope to judge


def test_guild_cpu_judges_the_growth_of_the_fixed_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.bench import guild_cpu

    args = guild_cpu.parse_args(["--guilds", "1000,12500", "--messages", "1000"])

    def reports(before: float, now: float) -> list[dict[str, object]]:
        return [{"guilds": guilds, "collections": [0, 0, 0], "results": {
            "before": [{"cpu": 0.05 * scale, "gc": 0.0, "wall": 1.0}],
            "now": [{"cpu": 0.05 * growth, "gc": 0.0, "wall": 1.0}]}}
            for guilds, scale, growth in ((1000, 1.0, 1.0), (12_500, before, now))]

    assert guild_cpu.report(reports(10.0, 1.2), args) == 0
    out = capsys.readouterr().out
    assert "before 0.050 -> 0.500 ms (10.00x), now 0.050 -> 0.060 ms (1.20x" in out
    assert out.rstrip().endswith("PASS")
    assert guild_cpu.report(reports(1.0, 1.6), args) == GOAL_MISSED
    assert capsys.readouterr().out.rstrip().endswith("FAIL")


def test_options_are_validated() -> None:
    from tests.bench import archive, economy, hotpath, memory

    assert hotpath.parse_args([]).messages == 100_000
    assert archive.parse_args([]).rows == 5_000_000
    assert economy.parse_args([]).transfers == 10_000
    assert memory.parse_args([]).sizes == [1000, 10_000]
    for parse, bad in ((hotpath.parse_args, ["--messages", "0"]),
                       (archive.parse_args, ["--engines", "mysql"]),
                       (economy.parse_args, ["--transfers", "1"]),
                       (memory.parse_args, ["--guilds", "x"])):
        with pytest.raises(SystemExit):
            parse(bad)


def _economy_result(wall: float, total: int) -> dict[str, object]:
    from tests.bench import economy

    output = {"outcomes": {"ok": 2}, "latencies": [1.0, 2.0], "retries": 0, "cpu": 0.002}
    return {"engine": "postgres", "wall": wall, "outputs": [output, output],
            "database_cpu": 0.004, "load": 1.0, "total": total, "negative": 0,
            "mismatches": [], "ledger_rows": economy.MEMBERS + 8}


def test_economy_verdict_and_cpu_line(capsys: pytest.CaptureFixture[str]) -> None:
    """PASS at or above 3,000 transfers/s on PostgreSQL, FAIL (exit 3) below it, exit 1 when
    money was not conserved; the CPU line shows the ceiling it implies."""
    from tests.bench import economy

    args = economy.parse_args(["--transfers", "4"])
    money = economy.MEMBERS * economy.START
    assert economy.report([_economy_result(4 / 3000, money)], args) == 0
    out = capsys.readouterr().out
    assert "postgres 3,000 transfers/s" in out and "-> PASS" in out
    assert "client 1,000 us, PostgreSQL backends 1,000 us" in out
    assert economy.report([_economy_result(4 / 2999, money)], args) == GOAL_MISSED
    assert "-> FAIL" in capsys.readouterr().out
    assert economy.report([_economy_result(4 / 3000, money + 1)], args) == 1
    assert "BROKEN" in capsys.readouterr().out
