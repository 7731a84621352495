"""The hostile-input fuzz at full size: thousands of examples per engine.

    python -m tests.bench.fuzz_hostile [--examples 5000]

Runs ``tests/security/test_fuzz_commands.py`` and ``test_fuzz_templates.py`` (SQLite and
PostgreSQL) with ``GUILDHALL_FUZZ_EXAMPLES`` set; the default test run uses a few hundred.
Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from tests.helpers import ROOT

FILES = ["tests/security/test_fuzz_commands.py", "tests/security/test_fuzz_templates.py"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The bench's options."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.fuzz_hostile")
    parser.add_argument("--examples", type=int, default=5000, help="per test and engine")
    args = parser.parse_args(argv)
    if args.examples < 1:
        parser.error("--examples must be at least 1")
    return args


def main(argv: list[str]) -> int:
    """Run the fuzz tests with the bigger example count."""
    args = parse_args(argv)
    env = {**os.environ, "GUILDHALL_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "-q", *FILES,
               "--hypothesis-show-statistics"]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
