"""``/livez`` and ``/readyz`` of the dashboard, so the launcher (which serves it when
``[web] enabled``) and ``guildhall web`` can be probed like the workers.

Liveness: a :class:`~core.metrics.health.LoopWatchdog` on the process's loop. Readiness:
the database answers ``SELECT 1`` in time (the dashboard has no shards). Both answer a
small JSON body and need no login.
"""

from __future__ import annotations

from aiohttp import web

from core.metrics.health import LoopWatchdog, Readiness, check_database

WATCHDOG = web.AppKey("gh_health_watchdog", LoopWatchdog)
routes = web.RouteTableDef()


def install(app: web.Application) -> None:
    """Add the routes and run a watchdog while ``app`` serves."""
    app[WATCHDOG] = LoopWatchdog()

    async def start(app: web.Application) -> None:
        app[WATCHDOG].start()

    async def stop(app: web.Application) -> None:
        await app[WATCHDOG].stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.router.add_routes(routes)


@routes.get("/livez")
async def livez(request: web.Request) -> web.Response:
    """200 while the loop's stamp is fresh, else 503."""
    watchdog = request.app[WATCHDOG]
    alive = watchdog.alive()
    body = {"status": "ok" if alive else "stalled", "process": "dashboard",
            "stalled_seconds": round(watchdog.stalled_for(), 3), "bound_seconds": watchdog.bound}
    return web.json_response(body, status=200 if alive else 503)


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """200 when the database answers, else 503."""
    result = Readiness()
    await check_database(result)
    body = {"status": "ready" if result.ready else "not ready", "process": "dashboard",
            "database": result.database, "problems": result.problems}
    return web.json_response(body, status=200 if result.ready else 503)
