"""A leader candidate in its own OS process, for the multi-process lease tests.

    python -m tests.core.leader.leader_candidate --identity A --database-url URL \
        [--redis-url URL] [--ttl 1.5] [--renew 0.3] [--write-interval 0.1]

It runs a real :class:`core.leader.election.LeaderElector`; while leader it repeatedly performs a
fenced write of ``(epoch, identity, time)`` into ``maintenance_runs`` (job
``leader-test``). Every event goes to stdout as one JSON line with a wall-clock ``t``.
On SIGCONT it immediately retries a raw ``fenced(epoch)`` write with the newest epoch it
led with - a resumed ex-leader acting before it noticed anything - and reports whether
the database accepted it. SIGTERM stops the elector (releasing the lease) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from datetime import UTC, datetime
from typing import Any

from core.coordination import coordination_for
from core.db.database import close_database, init_database
from core.db.models import MaintenanceRun
from core.leader.election import Term, fenced_write, make_elector
from core.leader.fencing import FencedOut, fenced
from core.runtime.config import Settings

JOB = "leader-test"


def emit(event: str, **fields: Any) -> None:
    """One JSON event line on stdout, flushed at once."""
    print(json.dumps({"event": event, "t": time.time(), **fields}), flush=True)


class _EmitLogs(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        emit("log", level=record.levelname, message=record.getMessage())


async def record_write(conn: Any, epoch: int, identity: str) -> None:
    """The leader's observable action: one row in the write log."""
    await MaintenanceRun.create(job=JOB, started_at=datetime.now(UTC), ok=True, rows=epoch,
                                detail=identity, using_db=conn)


class Candidate:
    """One process's elector plus the fenced-write workload it runs while leader."""

    def __init__(self, settings: Settings, identity: str, write_interval: float) -> None:
        self.identity = identity
        self.write_interval = write_interval
        self.elector = make_elector(coordination_for(settings), identity)
        self.last_term: Term | None = None

    async def lead(self, term: Term) -> None:
        """Leader work: fenced writes until the term ends or the fence rejects us."""
        self.last_term = term
        emit("won", epoch=term.epoch, identity=self.identity)
        try:
            while True:
                local_ok = term.is_valid()
                try:
                    async with fenced_write(term) as conn:
                        await record_write(conn, term.epoch, self.identity)
                except FencedOut as exc:
                    emit("fenced_out", epoch=term.epoch, source="db" if local_ok else "local",
                         message=str(exc))
                    await asyncio.sleep(3600)  # wait for the elector to cancel us
                emit("write", epoch=term.epoch)
                await asyncio.sleep(self.write_interval)
        finally:
            emit("work_cancelled", epoch=term.epoch)

    async def probe_after_resume(self) -> None:
        """Act at once with the last epoch, bypassing every local check (SIGCONT)."""
        term = self.last_term
        if term is None:
            return
        try:
            async with fenced(term.epoch, self.identity) as conn:
                await record_write(conn, term.epoch, f"{self.identity}-probe")
            emit("probe", epoch=term.epoch, result="committed")
        except FencedOut:
            emit("probe", epoch=term.epoch, result="rejected")


async def main(argv: list[str]) -> None:
    """Parse arguments, open the database, run the elector until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--identity", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--key", default="guildhall:leader")
    parser.add_argument("--ttl", type=float, default=1.5)
    parser.add_argument("--renew", type=float, default=0.3)
    parser.add_argument("--write-interval", type=float, default=0.1)
    args = parser.parse_args(argv)
    settings = Settings(
        database={"url": args.database_url}, redis={"url": args.redis_url},
        plugins={"enabled": []},
        leader={"ttl_seconds": args.ttl, "renew_seconds": args.renew, "key": args.key},
    )
    leader_log = logging.getLogger("core.leader.election")
    leader_log.addHandler(_EmitLogs())
    leader_log.setLevel(logging.INFO)
    await init_database(settings.database, {})
    candidate = Candidate(settings, args.identity, args.write_interval)
    loop = asyncio.get_running_loop()
    background: set[asyncio.Task[None]] = set()

    def spawn(coro: Any) -> None:
        task = loop.create_task(coro)
        background.add(task)
        task.add_done_callback(background.discard)

    loop.add_signal_handler(signal.SIGCONT, lambda: spawn(candidate.probe_after_resume()))
    loop.add_signal_handler(signal.SIGTERM, lambda: spawn(candidate.elector.stop()))
    emit("ready", identity=args.identity)
    try:
        await candidate.elector.run(candidate.lead)
    finally:
        await close_database()
        emit("stopped", identity=args.identity)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
