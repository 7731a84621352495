"""A bot worker in its own OS process, for the fault-injection tests.

    python -m tests.reliability.worker SETTINGS_JSON [--shards LOW-HIGH [SHARD_COUNT]]

It migrates (under the migration lock), opens the database, and runs a real
:class:`core.bot.guildhall_bot.GuildhallBot` against the Discord double with every enabled
plugin and a lease candidacy - what one ``guildhall run`` worker does - reporting on stdout as JSON
lines: ``ready``, ``leader`` (``is_leader`` true/false on each change) and ``stopped``
(with the guild messages from members the bot received, per author). SIGTERM closes the
bot (leader released, buffers flushed) and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import disnake
from disnake.ext import commands

from core.bot.guildhall_bot import GuildhallBot
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
from core.runtime.logging_setup import setup_logging


def emit(event: str, **fields: Any) -> None:
    """One JSON event line on stdout, flushed at once."""
    print(json.dumps({"event": event, "t": time.time(), **fields}), flush=True)


async def watch_leader(bot: GuildhallBot) -> None:
    """Report every change of leadership."""
    leading = False
    while True:
        now = bool(bot.leader and bot.leader.is_leader)
        if now != leading:
            leading = now
            emit("leader", is_leader=now)
        await asyncio.sleep(0.05)


class MessageCounter(commands.Cog):
    """Counts the guild messages from members this process received, per author."""

    def __init__(self) -> None:
        self.by_author: Counter[int] = Counter()

    @commands.Cog.listener()
    async def on_message(self, message: disnake.Message) -> None:
        if message.guild is not None and not message.author.bot:
            self.by_author[message.author.id] += 1


def load(argv: list[str]) -> tuple[Settings, dict[str, Any]]:
    """The settings file and the bot options (``--shards LOW-HIGH [COUNT]``)."""
    settings = Settings(**json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    options: dict[str, Any] = {"guild_ready_timeout": 0.1}
    if len(argv) > 2 and argv[1] == "--shards":
        low, _, high = argv[2].partition("-")
        options["shard_ids"] = list(range(int(low), int(high or low) + 1))
        options["shard_count"] = int(argv[3]) if len(argv) > 3 else 2
    return settings, options


async def main(settings: Settings, options: dict[str, Any]) -> int:
    """Run the worker until SIGTERM."""
    setup_logging(settings.logging)
    runtime = Runtime.from_settings(settings)
    await runtime.upgrade()
    await runtime.open_database()
    bot = GuildhallBot(settings, runtime.plugins, **options)
    counter = MessageCounter()
    bot.add_cog(counter)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(bot.start(settings.discord.token.get_secret_value()))
    watcher = asyncio.create_task(watch_leader(bot))
    ready = asyncio.create_task(bot.wait_until_ready())
    ready.add_done_callback(lambda _: emit("ready", user=bot.user.id if bot.user else None))
    stopper = asyncio.create_task(stop.wait())
    code = 0
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done() and runner.exception() is not None:
            emit("crashed", error=repr(runner.exception()))
            code = 1
    finally:
        watcher.cancel()
        ready.cancel()
        await bot.close()
        stopper.cancel()
        with contextlib.suppress(BaseException):
            await runner
        await close_database()
        emit("stopped", code=code, messages={str(k): v for k, v in counter.by_author.items()})
    return code


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*load(sys.argv[1:]))))
