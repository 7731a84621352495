"""Start one bot process: migrate, open the database, connect, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal

from core.bot import GuildhallBot
from core.db import close_database
from core.runtime import Runtime

log = logging.getLogger(__name__)


async def run_bot(runtime: Runtime) -> None:
    """Run until SIGINT/SIGTERM; buffered writes are flushed before the database closes."""
    applied = await runtime.upgrade()
    if applied:
        log.info("applied %d migration(s)", len(applied))
    await runtime.open_database()
    bot = GuildhallBot(runtime.settings, runtime.plugins)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(bot.start(runtime.settings.discord.token.get_secret_value()))
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        await bot.close()
        stopper.cancel()
        if runner.done() and runner.exception():
            log.error("bot stopped: %s", runner.exception())
        await close_database()
