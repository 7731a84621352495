"""Running the dashboard: :func:`start_web` inside a process that already has the
database open (``guildhall run``), :func:`run_web` as its own process (``guildhall web``).
"""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from core import bus
from core.config import Settings
from core.db import close_database
from core.runtime import Runtime
from core.web.app import create_app

log = logging.getLogger(__name__)


async def start_web(settings: Settings, runtime: Runtime | None = None) -> web.AppRunner:
    """Serve the dashboard on ``[web] host:port``; stop it with ``await runner.cleanup()``.

    The ORM must already be open in this process (and a bus installed for cross-process
    cache invalidation, as every bot process has).
    """
    app = create_app(runtime or Runtime.from_settings(settings))
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, settings.web.host, settings.web.port)
    await site.start()
    log.info("dashboard listening on %s:%s, open %s", settings.web.host, settings.web.port,
             settings.web.base_url())
    return runner


async def run_web(settings: Settings) -> None:
    """``guildhall web``: migrate, open the database and the bus, serve until SIGINT/SIGTERM."""
    runtime = Runtime.from_settings(settings)
    await runtime.upgrade()
    await runtime.open_database()
    process_bus = bus.bus_for(settings)
    await process_bus.start()
    bus.install(process_bus)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = await start_web(settings, runtime)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        bus.install(None)
        await process_bus.stop()
        await close_database()
