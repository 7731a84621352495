"""Worker processes for the fault tests, and the settings file they read.

:class:`WorkerProcess` runs ``python -m tests.reliability.worker`` and collects its JSON
events; :func:`write_settings` turns a :class:`Settings` (secrets included) into the file
a worker reads, pointed at the double and tuned for fast takeovers and retries.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from core.runtime.config import Settings
from core.testing.double import DiscordDouble
from tests.helpers import ROOT

Event = dict[str, Any]
START = 60.0  # generous: a worker starts in ~2 s, far slower on a loaded 2-core machine


def plain(model: BaseModel) -> dict[str, Any]:
    """A settings model as plain data, secrets revealed (for the worker's file only)."""
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            out[name] = value.get_secret_value()
        elif isinstance(value, BaseModel):
            out[name] = plain(value)
        else:
            out[name] = value
    return out


def write_settings(path: Path, settings: Settings, double: DiscordDouble,
                   **sections: dict[str, Any]) -> Path:
    """Write ``settings`` aimed at ``double``, with ``sections`` merged in, to ``path``."""
    data = plain(settings)
    data["discord"].update(api_base=double.api_base, token=double.token)
    data["logging"]["level"] = "WARNING"
    for key, value in sections.items():
        data.setdefault(key, {}).update(value)
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


class WorkerProcess:
    """One worker process; its events arrive in :attr:`events` as they are printed."""

    def __init__(self, name: str, settings_path: Path, *extra: str) -> None:
        self.name = name
        self.settings_path = settings_path
        self.extra = extra
        self.events: list[Event] = []
        self.starts = 0
        self._lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> WorkerProcess:
        """(Re)start the process."""
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.worker", str(self.settings_path),
             *self.extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.starts += 1
        with self._lock:
            self.events.append({"event": "spawned", "t": time.time()})
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()
        return self

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                self.events.append(event)

    def last(self, event: str) -> Event | None:
        """The latest event of this kind since the last (re)start."""
        with self._lock:
            since = max(i for i, e in enumerate(self.events) if e["event"] == "spawned")
            found = [e for e in self.events[since:] if e["event"] == event]
        return found[-1] if found else None

    @property
    def ready(self) -> bool:
        """Whether the bot reported ready since the last start."""
        return self.last("ready") is not None

    @property
    def is_leader(self) -> bool:
        """Whether the process last reported holding the lease (and is alive)."""
        event = self.last("leader")
        return self.alive and event is not None and bool(event["is_leader"])

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        """Send ``sig`` (SIGKILL, SIGTERM ...)."""
        assert self.process is not None
        self.process.send_signal(sig)

    async def exited(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """Wait (without blocking the event loop) for the process to exit; its code."""
        assert self.process is not None
        return await asyncio.to_thread(self.process.wait, timeout)

    def stderr_tail(self, chars: int = 3000) -> str:
        """The end of what the process wrote to stderr."""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-chars:]

    def close(self) -> None:
        """Kill the process if it still runs."""
        if self.alive:
            self.signal(signal.SIGKILL)
            assert self.process is not None
            self.process.wait(10)

