"""run_bounded/exit_bounded: a stopped process exits although something ignores the stop.

``asyncio.run`` waits forever for a leftover task that swallows cancellation, and the
interpreter waits forever for a busy non-daemon thread; both are run here in a child
process (the test's own event loop must not be the one left behind).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.reliability
SLACK = 60.0  # generous: only "it exits at all" is the subject
ROOT = Path(__file__).resolve().parents[3]  # the child imports this checkout's core

STUBBORN_TASK = """
import asyncio, logging
from core.runtime.bounded_run import run_bounded

async def stubborn():
    while True:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass

async def main():
    asyncio.get_running_loop().create_task(stubborn(), name="stubborn-handler")
    await asyncio.sleep(0)
    return 0

logging.basicConfig()
raise SystemExit(run_bounded(main(), grace=0.5))
"""

BUSY_THREAD = """
import asyncio, logging, threading, time
from core.runtime.bounded_run import exit_bounded, run_bounded

async def main():
    asyncio.get_running_loop().run_in_executor(None, time.sleep, 3600)  # a long sync step
    await asyncio.sleep(0)
    return 0

logging.basicConfig()
exit_bounded(run_bounded(main(), grace=0.5), grace=0.5)
"""


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=SLACK, check=False, cwd=ROOT)


def test_a_task_ignoring_cancellation_does_not_hold_the_exit() -> None:
    child = run_child(STUBBORN_TASK)
    assert child.returncode == 0, child.stderr
    assert "tasks ignoring cancellation at exit, left behind: stubborn-handler" in child.stderr


def test_a_busy_thread_does_not_hold_the_exit() -> None:
    child = run_child(BUSY_THREAD)
    assert child.returncode == 0, child.stderr
    assert "threads still busy at exit, not waiting for them" in child.stderr
