#!/usr/bin/env python3
"""Mutation score of the critical modules, one module at a time, with mutmut.

    python scripts/mutation.py                      # every module, in the order below
    python scripts/mutation.py role_rule render     # some modules
    python scripts/mutation.py --list               # the modules and their test files
    python scripts/mutation.py bank --mutants 'plugins.economy.service.x_history*'
                                                    # some mutants again (after new tests)

For each module: copies the tracked files of the work tree into ``mutants/<name>/``, adds
to the copy's ``[tool.mutmut]`` which file to mutate and which test files to run (only
the module's own tests, so a module takes minutes, not the whole suite per mutant), runs
``mutmut run`` there and prints the score (killed / tested) and every surviving mutant with
its diff, as markdown. Results stay in ``mutants/<name>/`` (git-ignored): ``cd`` there and
``mutmut show NAME`` / ``mutmut browse`` to look closer (a rerun starts afresh).
Exit code 0 when every module ran, 1 otherwise (survivors do not fail the run: they are
listed in docs/mutation-survivors.md, each killed by a test or explained as equivalent).
The test services come from the environment (``GUILDHALL_TEST_POSTGRES_URL``,
``GUILDHALL_TEST_REDIS_URL``) as for any test run.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "mutants"


@dataclass(frozen=True)
class Target:
    """One module to mutate and the test files that should kill its mutants.

    ``options``: more pytest arguments of the module's test selection (``-k``), for a
    module whose code is the same on both engines: its tests run on SQLite only.
    ``children``: mutants tested at once for this module instead of ``--max-children``,
    for a module whose tests mostly wait on timers (a broken mutant's test waits for its
    liveness bound while using almost no CPU).
    """

    path: str
    tests: tuple[str, ...]
    options: tuple[str, ...] = ()
    children: int = 0


# The module has no SQL of its own (its claims are core/timers/claims.py's, mutated on both
# engines): every mutant behaves alike on both, so its tests run once, on SQLite.
SQLITE_ONLY = ("-k", "not postgres")
# The scheduler's mutants that break its loop fail by waiting out a test's liveness bound
# (seconds to a minute) at 3-4% of a core each: eight at once keep the two cores busy.
WAITING_CHILDREN = 8


# Smallest and fastest first: a partial run still yields whole modules.
TARGETS: dict[str, Target] = {
    "role_rule": Target("core/services/role_rule.py", (
        "tests/core/services/test_role_rule.py", "tests/core/services/test_role_approvals.py")),
    "render": Target("plugins/customcmds/render.py", (
        "tests/plugins/customcmds/test_render.py", "tests/security/test_fuzz_templates.py")),
    "fencing": Target("core/leader/fencing.py", (
        "tests/core/leader/test_fencing.py", "tests/core/leader/test_fencing_interleaved.py")),
    "claims": Target("core/timers/claims.py", (
        "tests/core/timers/test_claims.py", "tests/core/timers/test_claim_scan.py",
        "tests/core/timers/test_claim_batches.py")),
    "checks": Target("plugins/moderation/checks.py", (
        "tests/plugins/moderation/test_checks.py",)),
    "privacy": Target("core/services/privacy.py", (
        "tests/core/services/test_privacy.py", "tests/core/services/test_privacy_export.py")),
    "buffer": Target("plugins/leveling/buffer.py", (
        "tests/plugins/leveling/test_buffer.py", "tests/plugins/leveling/test_buffer_details.py")),
    "scheduler": Target("core/timers/scheduler.py", (
        "tests/core/timers/test_scheduler_units.py", "tests/core/timers/test_scheduler.py"),
        SQLITE_ONLY, children=WAITING_CHILDREN),
    "coins": Target("core/services/coins.py", (
        "tests/core/services/test_coins.py", "tests/plugins/economy/test_service.py",
        "tests/plugins/economy/test_sqlite_locking.py",
        "tests/plugins/economy/test_transfer_fast.py")),
    "bank": Target("plugins/economy/service.py", (
        "tests/plugins/economy/test_service.py", "tests/plugins/economy/test_bank_details.py",
        "tests/plugins/economy/test_transfer_fast.py")),
    "transfer_fast": Target("plugins/economy/transfer_fast.py", (
        "tests/plugins/economy/test_service.py", "tests/plugins/economy/test_bank_details.py",
        "tests/plugins/economy/test_transfer_fast.py")),
}


def tracked_files() -> list[str]:
    """The work tree's tracked files (uncommitted edits included, untracked files not)."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                         capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def prepare(name: str, target: Target) -> Path:
    """A fresh copy of the tree in ``mutants/<name>`` whose mutmut config names the target."""
    here = WORK / name
    shutil.rmtree(here, ignore_errors=True)  # a fresh run: cached results may be stale
    for rel in tracked_files():
        source = ROOT / rel
        if source.is_file():
            (here / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, here / rel)
    pyproject = here / "pyproject.toml"
    selected = json.dumps([*target.tests, *target.options])
    text = pyproject.read_text().replace(
        "[tool.mutmut]\n",
        f"[tool.mutmut]\nonly_mutate = {json.dumps([target.path])}\n"
        f"pytest_add_cli_args_test_selection = {selected}\n", 1)
    pyproject.write_text(text)
    return here


def mutmut(here: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a mutmut command in ``here`` with this interpreter (not importing the work tree).

    Without ``capture`` the output goes to ``here/run.log`` (mutmut draws a progress line).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [sys.executable, "-m", "mutmut", *args]
    if capture:
        return subprocess.run(command, cwd=here, env=env, text=True, capture_output=True,
                              check=False)
    with open(here / "run.log", "w") as log:
        return subprocess.run(command, cwd=here, env=env, text=True, stdout=log,
                              stderr=subprocess.STDOUT, check=False)


# Run in the module's directory: the diff of every mutant named, NUL-separated (one process
# for all, instead of one ``mutmut show`` each).
DIFFS = """
import sys
from mutmut.__main__ import find_mutant, get_diff_for_mutant
for name in sys.argv[1:]:
    print(get_diff_for_mutant(name, path=find_mutant(name).path).strip(), end="\\0")
"""


def diffs(here: Path, names: list[str]) -> list[str]:
    """The diffs of ``names`` (mutants of the module in ``here``)."""
    if not names:
        return []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", DIFFS, *names], cwd=here, env=env,
                         text=True, capture_output=True, check=True).stdout
    return out.split("\0")[: len(names)]


def report(name: str, target: Target, here: Path) -> str:
    """The module's score and its survivors (with diffs), as markdown."""
    mutmut(here, "export-cicd-stats", capture=True)
    stats = json.loads((here / "mutants" / "mutmut-cicd-stats.json").read_text())
    tested = stats["total"] - stats.get("skipped", 0)
    killed = stats["killed"] + stats.get("timeout", 0)
    score = 100 * killed / tested if tested else 0.0
    lines = [f"### `{target.path}` ({name}): {killed}/{tested} killed, {score:.1f}%", "",
             f"Tests: {', '.join(f'`{t}`' for t in target.tests + target.options)}. "
             f"Raw: {json.dumps(stats)}", ""]
    results = mutmut(here, "results", capture=True).stdout
    alive = [tuple(line.strip().partition(": ")[::2]) for line in results.splitlines()]
    alive = [(key, status) for key, status in alive if key and status not in ("killed",
                                                                              "timeout")]
    for (key, status), diff in zip(alive, diffs(here, [k for k, _ in alive]), strict=True):
        lines += [f"- `{key}`: {status}", "", "```diff", diff, "```", ""]
    return "\n".join(lines)


def rerun_report(here: Path, patterns: list[str]) -> str:
    """The verdict of each mutant run by ``--mutants`` (the others were not run)."""
    results = mutmut(here, "results", "--all", "true", capture=True).stdout
    lines = []
    for line in results.splitlines():
        key, _, status = line.strip().partition(": ")
        if key and any(fnmatch.fnmatch(key, p) or key.endswith(p) for p in patterns):
            lines.append(f"- `{key}`: {status}")
    return "\n".join(lines)


class Timed:
    """Wall and CPU time of what runs inside ``with``, and the load average around it.

    CPU time (of the child processes: mutmut and its test runs) does not depend on what
    else the machine runs; on an idle machine with ``--max-children 2`` the wall time is
    about half of it plus the tests' waits.
    """

    def __enter__(self) -> Timed:
        self.load = os.getloadavg()[0]
        self.start = time.monotonic()
        self.cpu = _children_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.start
        self.cpu = _children_cpu() - self.cpu
        self.load_after = os.getloadavg()[0]

    def __str__(self) -> str:
        return (f"{self.wall / 60:.1f} min wall, {self.cpu / 60:.1f} min CPU, load average "
                f"{self.load:.1f} at the start and {self.load_after:.1f} at the end")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    parser.add_argument("--max-children", type=int, default=2,
                        help="mutants tested in parallel (default 2; a module whose tests "
                             "wait on timers sets its own)")
    parser.add_argument("--mutants", nargs="+", metavar="NAME",
                        help="only these mutants of ONE module (mutmut's names or globs, "
                             "e.g. survivors against tests added since): their verdicts")
    args = parser.parse_args()
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown modules {unknown}; choose from {', '.join(TARGETS)}")
    if args.mutants and len(args.modules) != 1:
        parser.error("--mutants needs exactly one module")
    if args.list:
        for name, target in TARGETS.items():
            print(f"{name:10} {target.path:32} {' '.join(target.tests + target.options)}")
        return 0
    failed = []
    for name in args.modules or list(TARGETS):
        target = TARGETS[name]
        here = prepare(name, target)
        with Timed() as timed:
            children = target.children or args.max_children
            run = mutmut(here, "run", "--max-children", str(children),
                         *(args.mutants or ()))
        if run.returncode != 0:
            print(f"### {name}: mutmut run failed (exit {run.returncode}), see "
                  f"{here / 'run.log'}\n", flush=True)
            failed.append(name)
            continue
        verdicts = rerun_report(here, args.mutants) if args.mutants else report(
            name, target, here)
        print(verdicts, f"Run: {timed}.", "", sep="\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
