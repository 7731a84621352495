"""The dashboard of ``guildhall sandbox``: logs in through the sandbox's Discord double
(its authorize page lists the demo members), with the demo guild's public pages on."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from aiohttp import web
from pydantic import SecretStr
from tortoise.exceptions import IntegrityError

from core.coordination import bus
from core.db.models import GuildConfig
from core.runtime.assembly import Runtime
from core.testing.double.oauth import CLIENT_SECRET
from core.testing.sandbox.session import Sandbox, settings_for_double
from core.web.server import start_web


@dataclass
class SandboxDashboard:
    """The running dashboard and the addresses to print."""

    runner: web.AppRunner
    bus: bus.Bus
    base: str
    guild_id: int

    def lines(self) -> list[str]:
        """Where to open it."""
        return [
            f"dashboard: {self.base}/dashboard/{self.guild_id} (log in as admin)",
            f"public leaderboard: {self.base}/g/{self.guild_id}/leaderboard",
        ]

    async def stop(self) -> None:
        """Stop serving and leave the bus."""
        await self.runner.cleanup()
        if bus.current() is self.bus:
            bus.install(None)
        await self.bus.stop()


async def _public_pages_on(guild_id: int) -> None:
    """Turn the guild's public pages on, creating its settings row when the bot has not
    yet (on a busy machine the dashboard can start before the bot saw the guild)."""
    if await GuildConfig.filter(guild_id=guild_id).update(public_pages=True):
        return
    try:
        await GuildConfig.create(guild_id=guild_id, public_pages=True)
    except IntegrityError:  # the bot created it meanwhile
        await GuildConfig.filter(guild_id=guild_id).update(public_pages=True)


def _port(host: str, wanted: int) -> int:
    """``wanted`` when it is free, else any free port."""
    with socket.socket() as sock:
        try:
            sock.bind((host, wanted))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            sock.bind((host, 0))
        return int(sock.getsockname()[1])


async def serve_sandbox_dashboard(sandbox: Sandbox) -> SandboxDashboard:
    """Serve the dashboard for a started sandbox (its database is open in this process)."""
    double, demo = sandbox.double, sandbox.demo
    base_settings = sandbox.supervisor.settings if sandbox.supervisor else sandbox.runtime.settings
    host = "127.0.0.1"
    port = _port(host, base_settings.web.port)
    settings = settings_for_double(base_settings, double)
    settings = settings.model_copy(update={"web": settings.web.model_copy(update={
        "host": host, "port": port, "public_url": f"http://{host}:{port}",
        "client_id": str(double.application_id), "client_secret": SecretStr(CLIENT_SECRET),
    })})
    await _public_pages_on(demo.guild.id)
    runtime = Runtime(settings, sandbox.runtime.plugins)
    process_bus = runtime.coordination.make_bus()
    await process_bus.start()
    bus.install(process_bus)
    runner = await start_web(settings, runtime)
    return SandboxDashboard(runner, process_bus, f"http://{host}:{port}", demo.guild.id)
