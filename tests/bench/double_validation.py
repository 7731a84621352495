"""What the double's request checks cost: a test subset with them on and off, side by side.

    python -m tests.bench.double_validation                 # 86 e2e tests, on/off, 2 rounds
    python -m tests.bench.double_validation --rounds 1 --tests tests/e2e/test_commands.py

Each round runs the subset twice in child processes (``GUILDHALL_DOUBLE_VALIDATE_REQUESTS``
``1`` then ``0``; the next round in the reverse order, so load drifting one way cancels) and
records wall time and CPU time (user + system of the child). The "on" runs load this module
as a pytest plugin (``-p tests.bench.double_validation``), which times every call of
``request_rules.check_request`` by route, so the table shows where the checks' CPU goes.
Goal: CPU with the checks on at most 10% above off (issue #17); exit ``GOAL_MISSED`` beyond.
CPU time is the figure to read on a shared machine: wall time there mostly measures the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.bench.common import bench_exit

SUBSET = [
    "tests/e2e/test_commands.py", "tests/e2e/plugins/test_moderation_commands.py",
    "tests/e2e/plugins/test_economy_bank.py", "tests/e2e/plugins/test_leveling_commands.py",
]
GOAL = 1.10  # CPU on / off
_PROFILE_ENV = "GUILDHALL_BENCH_CHECK_PROFILE"  # where the plugin writes its per-route times
ROOT = Path(__file__).resolve().parents[2]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.double_validation")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tests", nargs="+", default=SUBSET)
    return parser.parse_args(argv)


# -- the pytest plugin side (loaded in the "on" child runs only) ---------------------------
def pytest_configure(config: Any) -> None:
    """Time every request check by ``METHOD route`` (CPU seconds)."""
    out = os.environ.get(_PROFILE_ENV)
    if not out:
        return
    from core.testing.double import request_rules

    original = request_rules.check_request
    spent: dict[str, list[float]] = defaultdict(list)

    def timed(method: str, route: str, *args: Any, **kwargs: Any) -> None:
        start = time.process_time()
        try:
            original(method, route, *args, **kwargs)
        finally:
            spent[f"{method} {route}"].append(time.process_time() - start)

    request_rules.check_request = timed
    config.add_cleanup(lambda: Path(out).write_text(json.dumps(spent)))


# -- the bench side ---------------------------------------------------------------------
def run_subset(tests: list[str], on: bool, profile: Path) -> tuple[float, float, bool]:
    """Wall seconds, CPU seconds and success of one child pytest run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "GUILDHALL_DOUBLE_VALIDATE_REQUESTS": "1" if on else "0"}
    cmd = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider"]
    if on:
        env[_PROFILE_ENV] = str(profile)
        cmd += ["-p", "tests.bench.double_validation"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:])
    return wall, cpu, done.returncode == 0


def main(argv: list[str]) -> int:
    """Run the rounds, print the figures, exit with the bench's code."""
    args = parse_args(argv)
    totals = {True: [0.0, 0.0], False: [0.0, 0.0]}
    checks: dict[str, list[float]] = defaultdict(list)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "checks.json"
        for n in range(args.rounds):
            for on in ((True, False) if n % 2 == 0 else (False, True)):
                load = os.getloadavg()[0]
                wall, cpu, passed = run_subset(args.tests, on, profile)
                ok = ok and passed
                totals[on][0] += wall
                totals[on][1] += cpu
                print(f"round {n + 1} checks {'on ' if on else 'off'}: wall {wall:7.1f} s, "
                      f"CPU {cpu:6.1f} s, load {load:.1f}, {'passed' if passed else 'FAILED'}")
                if on and profile.exists():
                    for route, times in json.loads(profile.read_text()).items():
                        checks[route] += times
    (wall_on, cpu_on), (wall_off, cpu_off) = totals[True], totals[False]
    checked = sum(sum(t) for t in checks.values())
    print(f"\n{'route':58} {'checks':>7} {'CPU s':>7} {'max ms':>7}")
    for route, times in sorted(checks.items(), key=lambda kv: -sum(kv[1]))[:8]:
        print(f"{route:58} {len(times):7d} {sum(times):7.3f} {max(times) * 1000:7.1f}")
    ratio = cpu_on / cpu_off if cpu_off else 0.0
    print(f"\nsummary: CPU on/off {ratio:.3f} ({cpu_on:.1f} / {cpu_off:.1f} s), wall on/off "
          f"{wall_on / wall_off if wall_off else 0.0:.3f} ({wall_on:.1f} / {wall_off:.1f} s); "
          f"request checks {checked:.2f} CPU s = {checked / cpu_on * 100 if cpu_on else 0:.1f}% "
          f"of the 'on' runs -> {'OK' if ratio <= GOAL else 'FAIL'} (goal <= {GOAL:.2f})")
    return bench_exit(ok, ratio <= GOAL)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
