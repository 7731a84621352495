"""Helpers for the outage scenarios: two workers (one per shard), probes, figures.

Worker 0 serves shard 0 (the demo guild), worker 1 shard 1; both are lease candidates.
:func:`probe` invokes a command through the double and classifies the answer.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.runtime.config import Settings
from core.testing.bot_fixtures import eventually
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld
from tests.helpers import UNHANDLED_ERROR
from tests.reliability.kills import FAST_TAKEOVER, leader_of
from tests.reliability.processes import START, WorkerProcess, write_settings


@dataclass
class Probes:
    """Answers to commands sent during a fault."""

    ok: int = 0
    try_again: int = 0
    failed: list[str] = field(default_factory=list)
    unanswered: int = 0

    def line(self) -> str:
        """The figures as one phrase."""
        return (f"{self.ok} answered normally, {self.try_again} 'try again', "
                f"{len(self.failed)} failed, {self.unanswered} unanswered")


def start_workers(settings: Settings, double: DiscordDouble, workdir: Path,
                  **sections: Any) -> list[WorkerProcess]:
    """Two workers, one per shard, with fast takeover settings (plus ``sections``)."""
    merged = {key: dict(value) for key, value in FAST_TAKEOVER.items()}
    for key, value in sections.items():
        merged.setdefault(key, {}).update(value)
    path = write_settings(workdir / "worker.json", settings, double, **merged)
    return [WorkerProcess(f"w{shard}", path, "--shards", str(shard), "2")
            for shard in (0, 1)]


async def all_ready(workers: list[WorkerProcess]) -> WorkerProcess:
    """Wait until every worker is ready and one leads; return the leader."""
    await eventually(lambda: all(w.ready for w in workers) and leader_of(workers),
                     timeout=START, message="workers ready with one leader")
    leader = leader_of(workers)
    assert leader is not None
    return leader


async def probe(double: DiscordDouble, demo: DemoWorld, probes: Probes, name: str,
                options: dict[str, Any] | None = None, timeout: float = 10.0) -> str:  # noqa: ASYNC109
    """Invoke ``name`` as a plain member in the demo guild; count the kind of answer."""
    handle = await double.invoke_slash(demo.guild, demo.general, demo.member, name, options,
                                       register_timeout=START)
    try:
        reply = await handle.wait_response(timeout=timeout)
    except TimeoutError:
        probes.unanswered += 1
        return ""
    if "try again" in reply.content.lower():
        probes.try_again += 1
    elif UNHANDLED_ERROR in reply.content:
        probes.failed.append(f"/{name}: {reply.content}")
    else:
        probes.ok += 1
    return reply.content


async def probe_for(seconds: float, double: DiscordDouble, demo: DemoWorld, probes: Probes,
                    commands: list[tuple[str, dict[str, Any] | None]]) -> None:
    """Cycle through ``commands`` for ``seconds``, about two a second."""
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        name, options = commands[i % len(commands)]
        await probe(double, demo, probes, name, options)
        i += 1
        await asyncio.sleep(0.5)


async def when(check: Any, timeout: float) -> float:  # noqa: ASYNC109
    """The wall time at which ``check()`` first held (polled every 20 ms)."""
    await eventually(check, timeout=timeout, interval=0.02)
    return time.time()
