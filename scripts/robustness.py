#!/usr/bin/env python3
"""Run the timing-sensitive test files many times on a deliberately busy machine.

    python scripts/robustness.py                  # 20 runs, 2 CPU burners
    python scripts/robustness.py --runs 5 --burners 2 tests/core/leader/test_election.py

Starts ``--burners`` busy-loop processes (stopped at the end, whatever happens), then runs
pytest on the files ``--runs`` times, one pytest process per run, and reports every
failed test with the runs it failed in, as soon as a run fails and again at the end; the
whole pytest output of a failed run is kept in ``--log-dir`` (``robustness-logs/``, git-ignored)
as ``run-N.txt``. Exit code 0 when every run passed, 1 otherwise.
Uses the interpreter it is started with; the test services come from the environment
(``GUILDHALL_TEST_POSTGRES_URL``, ``GUILDHALL_TEST_REDIS_URL``) as for any test run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMING_SENSITIVE = (
    "tests/core/services/test_settings_warm.py",
    "tests/core/timers/test_scheduler.py",
    "tests/core/leader/test_election.py",
    "tests/core/leader/test_election_processes.py",
    "tests/cluster/test_identify.py",
    "tests/core/leader/test_fencing_interleaved.py",
    "tests/core/timers/test_claims.py",
    "tests/e2e/plugins/test_moderation_expiry.py",
    "tests/cluster/test_leader_sigterm.py",
)


def burn() -> None:
    """A busy loop: one core's worth of load until terminated."""
    n = 0
    while True:
        n = (n + 1) % 1_000_003


def failed_tests(output: str) -> list[str]:
    """Node ids of the ``FAILED``/``ERROR`` lines of pytest's short summary (``-rfE``)."""
    found = []
    for line in output.splitlines():
        for tag in ("FAILED ", "ERROR "):
            if line.startswith(tag):
                found.append(line[len(tag):].split(" - ")[0].strip())
    return found


def run_once(files: list[str], extra: list[str], timeout: float,
             log: Path) -> tuple[int, list[str], float]:
    """One pytest run: exit code, failed node ids, seconds; a failed run's output to ``log``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *extra,
             *files], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as timed_out:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(str(timed_out.stdout or "") + str(timed_out.stderr or ""))
        return -1, [f"(whole run timed out after {timeout:.0f} s)"], time.monotonic() - started
    failed = failed_tests(done.stdout)
    if done.returncode != 0:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(done.stdout + done.stderr)
    if done.returncode != 0 and not failed:
        failed = [f"(pytest exit {done.returncode}: {done.stdout.strip().splitlines()[-1:]})"]
    return done.returncode, failed, time.monotonic() - started


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python scripts/robustness.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=list(TIMING_SENSITIVE))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--burners", type=int, default=2, help="busy-loop processes")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "robustness-logs",
                        help="where a failed run's pytest output is kept")
    parser.add_argument("--pytest-arg", action="append", default=[], dest="pytest_args",
                        help="passed to pytest (repeatable), e.g. --pytest-arg=-k=leader")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.burners < 0:
        parser.error("--runs must be at least 1 and --burners at least 0")
    return args


def main(argv: list[str]) -> int:
    """Burn, run, report."""
    args = parse_args(argv)
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    failures: dict[str, list[int]] = defaultdict(list)
    bad_runs = 0
    try:
        for run in range(1, args.runs + 1):
            log = args.log_dir / f"run-{run}.txt"
            code, failed, seconds = run_once(args.files, args.pytest_args, args.timeout, log)
            bad_runs += code != 0
            for nodeid in failed:
                failures[nodeid].append(run)
            verdict = "ok" if code == 0 else f"FAILED {len(failed)}"
            print(f"run {run}/{args.runs}: {verdict} ({seconds:.0f} s)", flush=True)
            for nodeid in failed:
                print(f"  {nodeid} (output: {log})", flush=True)
    finally:
        for process in burners:
            process.terminate()
        for process in burners:
            process.join(10)
    print(f"summary: {args.runs - bad_runs}/{args.runs} runs passed under {args.burners} "
          f"busy loops; files: {', '.join(args.files)}")
    for nodeid, runs in sorted(failures.items()):
        print(f"  {nodeid}: failed in runs {runs}")
    return 0 if bad_runs == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
