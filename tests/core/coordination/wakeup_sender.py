"""Another process for the wake-up tests.

Run as ``python -m tests.core.coordination.wakeup_sender MODE ...``.

``socket PATH TS`` / ``redis URL CHANNEL TS`` / ``postgres DSN CHANNEL TS`` send one
wake-up for POSIX time ``TS`` through that backend. ``insert SECONDS`` opens the database
of the environment's settings (``DATABASE_URL``, ``REDIS_URL``...), inserts a reminder due
in SECONDS, and calls ``notify_created`` through :func:`core.coordination.coordination_for`; it
prints ``<id> <due timestamp>``.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.coordination import coordination_for, wakeups
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import load_settings


async def _insert(seconds: float) -> None:
    settings = load_settings()
    runtime = Runtime.from_settings(settings)
    await runtime.open_database()
    try:
        from plugins.reminders.models import Reminder

        due = datetime.now(UTC) + timedelta(seconds=seconds)
        row = await Reminder.create(user_id=5, channel_id=6, message="elsewhere", remind_at=due)
        channel = coordination_for(settings).make_wakeups()
        wakeups.install(channel)
        await wakeups.notify_created(due)
        await channel.close()
        print(row.id, due.timestamp(), flush=True)
    finally:
        await close_database()


async def _send(mode: str, args: list[str]) -> None:
    due = datetime.fromtimestamp(float(args[-1]), UTC)
    channel: wakeups.Wakeups
    if mode == "socket":
        channel = wakeups.SocketWakeups(Path(args[0]))
    elif mode == "redis":
        channel = wakeups.RedisWakeups(args[0], args[1])
    else:
        channel = wakeups.PostgresWakeups(args[0], args[1])
    await channel.notify_created(due)
    await channel.close()


def main() -> None:
    """Entry point (see the module docstring)."""
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "insert":
        asyncio.run(_insert(float(args[0])))
    else:
        asyncio.run(_send(mode, args))


if __name__ == "__main__":
    main()
