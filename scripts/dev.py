#!/usr/bin/env python3
"""Bootstrap and run guildhall with nothing but Python 3.11+ installed.

    python3 scripts/dev.py run     [args]   install (if needed) and start the bot;
                                            without a token: the sandbox demo
    python3 scripts/dev.py test    [args]   install (if needed) and run the whole test suite
    python3 scripts/dev.py setup            only create/refresh the virtualenv

The virtualenv is ``.venv`` (or ``$GUILDHALL_VENV``); it is re-installed whenever
``pyproject.toml`` changes. Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("GUILDHALL_VENV", ROOT / ".venv"))
DEMO_SCRIPT = ROOT / "core" / "testing" / "scripts" / "demo.txt"


def _bin(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def setup(extras: str = "dev") -> None:
    """Create the virtualenv and install the project unless it is already current."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
        sys.exit(f"guildhall needs Python 3.11+, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode())
    stamp = VENV / ".guildhall-installed"
    if stamp.exists() and stamp.read_text() == digest.hexdigest() and _bin("python").exists():
        return
    if not _bin("python").exists():
        print(f"creating virtualenv {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    print("installing guildhall and its dependencies (first run takes a minute)", flush=True)
    pip = [str(_bin("python")), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    # The distribution was called "guildhall" before (a name taken on the package index):
    # an old install would leave a second copy of the same packages and command.
    subprocess.run([str(_bin("python")), "-m", "pip", "uninstall", "-y", "-q", "guildhall"],
                   check=False, capture_output=True)
    subprocess.run([*pip, "-e", f"{ROOT}[{extras}]"], check=True)
    stamp.write_text(digest.hexdigest())


def run(args: list[str]) -> int:
    """Start the bot; with no token configured, play the sandbox demo instead."""
    setup()
    guildhall = str(_bin("guildhall"))
    has_token = os.environ.get("DISCORD_TOKEN") or os.environ.get("GUILDHALL_DISCORD__TOKEN")
    if not has_token and not args and DEMO_SCRIPT.exists():
        print("No DISCORD_TOKEN set: playing the sandbox demo against the local Discord "
              "double.\nSet DISCORD_TOKEN to run the real bot; `guildhall sandbox` to chat.\n",
              flush=True)
        return subprocess.call([guildhall, "sandbox", "--script", str(DEMO_SCRIPT)], cwd=ROOT)
    return subprocess.call([guildhall, "run", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    """Run the whole suite (SQLite and PostgreSQL, real Redis). Exit 5 (nothing ran) fails."""
    setup()
    code = subprocess.call([str(_bin("python")), "-m", "pytest", *args], cwd=ROOT)
    if code == 5:
        print("pytest collected no tests: treating as a failure", file=sys.stderr)
        return 1
    return code


def main() -> int:
    """Dispatch ``run``, ``test`` or ``setup``."""
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    command, args = sys.argv[1], sys.argv[2:]
    if command == "setup":
        setup()
        return 0
    return run(args) if command == "run" else test(args)


if __name__ == "__main__":
    sys.exit(main())
