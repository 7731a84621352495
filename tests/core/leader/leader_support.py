"""Helpers for the leader tests: a throwaway Redis server and candidate processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.testing.services import _free_port, _wait_port
from tests.helpers import ROOT, fetch

Event = dict[str, Any]


class ThrowawayRedis:
    """A private ``redis-server`` on a free port (no persistence), safe to pause or kill."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="guildhall-leader-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        """Start the server (again) on the same port and wait until it accepts clients."""
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--enable-debug-command", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert _wait_port(self.port, 20), "throwaway redis-server did not start"
        return self

    def stop(self) -> None:
        """Kill the server (its data is gone: nothing is persisted)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def cleanup(self) -> None:
        """Stop and remove the working directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class CandidateProcess:
    """``python -m tests.core.leader.leader_candidate`` in its own process; collects its events."""

    def __init__(self, identity: str, database_url: str, redis_url: str = "", *,
                 ttl: float = 1.5, renew: float = 0.3, write_interval: float = 0.1,
                 key: str = "guildhall:leader") -> None:
        self.identity = identity
        self.events: list[Event] = []
        self._lock = threading.Lock()
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.core.leader.leader_candidate", "--identity", identity,
             "--database-url", database_url, "--redis-url", redis_url, "--key", key,
             "--ttl", str(ttl), "--renew", str(renew), "--write-interval", str(write_interval)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self._stderr, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = {"event": "output", "t": time.time(), "line": line.rstrip()}
            with self._lock:
                self.events.append(event)

    def snapshot(self, kind: str | None = None) -> list[Event]:
        """Events so far (of one kind, when given)."""
        with self._lock:
            return [e for e in self.events if kind is None or e["event"] == kind]

    def wait_for(self, predicate: Callable[[Event], bool], timeout: float,
                 after: float = 0.0) -> Event:
        """The first event (with ``t >= after``) matching ``predicate``; fail on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.snapshot():
                if event["t"] >= after and predicate(event):
                    return event
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"{self.identity}: no matching event within {timeout}s; "
                             f"events={self.snapshot()[-15:]} stderr={self.stderr()[-2000:]}")

    def is_leading(self) -> bool:
        """True when its last won/work_cancelled event is a win."""
        marks = [e for e in self.snapshot() if e["event"] in ("won", "work_cancelled")]
        return bool(marks) and marks[-1]["event"] == "won"

    def stderr(self) -> str:
        """What the process wrote to stderr so far."""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def send(self, sig: signal.Signals) -> None:
        """Send a signal (SIGSTOP, SIGCONT, SIGKILL, SIGTERM) to the process."""
        self.process.send_signal(sig)

    def close(self) -> None:
        """Kill the process if still running (it is resumed first if stopped)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
        self.process.wait(10)
        self._reader.join(5)
        self._stderr.close()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition`` until true; return the wall-clock time it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.time()
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def leaders(candidates: list[CandidateProcess]) -> list[str]:
    """Identities of the candidates currently in a term."""
    return [c.identity for c in candidates if c.is_leading()]


async def write_log() -> list[tuple[int, int, str]]:
    """``(id, epoch, identity)`` of every leader-test write, in commit order."""
    rows = await fetch(
        "SELECT id, rows, detail FROM maintenance_runs WHERE job = 'leader-test' ORDER BY id"
    )
    return [(int(r[0]), int(r[1]), str(r[2])) for r in rows]


def assert_one_writer_at_a_time(log: list[tuple[int, int, str]]) -> list[int]:
    """Epochs never go back in commit order and each has one writer; return the epochs."""
    epochs = [epoch for _, epoch, _ in log]
    assert epochs == sorted(epochs), f"epochs interleave in commit order: {epochs}"
    writers: dict[int, set[str]] = {}
    for _, epoch, identity in log:
        writers.setdefault(epoch, set()).add(identity)
    assert all(len(who) == 1 for who in writers.values()), f"shared epochs: {writers}"
    return sorted(writers)


def temp_path(name: str) -> Path:
    """A fresh path in a new temporary directory."""
    return Path(tempfile.mkdtemp(prefix="guildhall-leader-")) / name
