"""Running the dashboard: :func:`start_web` in a process that already has the database
and a bus open; :func:`open_dashboard` in one that has neither (the ``guildhall run``
launcher); :func:`run_web` as its own process (``guildhall web``).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from core.coordination import bus
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import Settings
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


@dataclass
class Dashboard:
    """A dashboard serving in this process with its own database connection and bus."""

    runner: web.AppRunner
    bus: bus.Bus

    async def stop(self) -> None:
        """Stop serving, leave the bus, close the database."""
        await self.runner.cleanup()
        if bus.current() is self.bus:
            bus.install(None)
        await self.bus.stop()
        await close_database()


async def open_dashboard(runtime: Runtime) -> Dashboard:
    """Open the database and the bus, then serve (the schema must be migrated).

    For a process that has neither yet: ``guildhall web``, and the ``guildhall run``
    launcher when ``[web] enabled = true``.
    """
    await runtime.open_database()
    process_bus = runtime.coordination.make_bus()
    await process_bus.start()
    bus.install(process_bus)
    try:
        runner = await start_web(runtime.settings, runtime)
    except BaseException:
        bus.install(None)
        await process_bus.stop()
        await close_database()
        raise
    return Dashboard(runner, process_bus)


async def run_web(settings: Settings, on_serving: Callable[[], None] | None = None) -> None:
    """``guildhall web``: migrate, open the database and the bus, serve until SIGINT/SIGTERM;
    ``on_serving`` runs once the dashboard serves (a failed start says only its error)."""
    runtime = Runtime.from_settings(settings)
    await runtime.upgrade()
    dashboard = await open_dashboard(runtime)
    if on_serving is not None:
        on_serving()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await dashboard.stop()
