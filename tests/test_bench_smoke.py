"""The benchmarks in ``tests/bench`` still import, parse their options and run tiny sizes.

The benchmarks themselves are not collected (``norecursedirs``); this keeps them working.
Only the in-process ones run here (SQLite, a few hundred items); the multi-process ones
(archive, economy, memory, cluster start) are imported and their options checked.
"""

from __future__ import annotations

import importlib

import pytest

BENCHES = ("archive", "cluster_start", "customcmds", "economy", "hotpath", "leaderboard",
           "memory", "moderation_cases", "timers")


@pytest.mark.parametrize("name", BENCHES)
def test_every_bench_imports(name: str) -> None:
    module = importlib.import_module(f"tests.bench.{name}")
    assert module.__doc__ and "python -m tests.bench." in module.__doc__


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


async def test_hotpath_tiny(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.bench import hotpath

    args = hotpath.parse_args(["--messages", "300", "--rounds", "1", "--guilds", "2",
                               "--members", "20", "--chunk", "150"])
    await hotpath.bench(args)
    out = capsys.readouterr().out
    assert "summary: bare" in out and "xp exact: True" in out


async def test_leaderboard_and_timers_tiny(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.bench import leaderboard, timers

    await leaderboard.main(leaderboard.parse(["--members", "200", "--runs", "2",
                                              "--engines", "sqlite"]))
    assert "summary at 200 members: sqlite top-10" in capsys.readouterr().out
    code = await timers.main(["--timers", "20", "--spread", "0.3", "--lead", "0.3",
                              "--poll-seconds", "0.3", "--engines", "sqlite"])
    assert "summary: scheduler sqlite p99" in capsys.readouterr().out
    assert code == 0
