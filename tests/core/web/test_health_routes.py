"""The dashboard's ``/livez`` and ``/readyz`` (the launcher's HTTP port when it serves it)."""

from __future__ import annotations

from core.web.health import WATCHDOG
from tests.core.web.support import WebEnv


async def test_dashboard_is_alive_and_ready_without_login(web_env: WebEnv) -> None:
    live = await web_env.client.get("/livez", allow_redirects=False)
    assert live.status == 200
    assert (await live.json())["status"] == "ok"
    ready = await web_env.client.get("/readyz", allow_redirects=False)
    assert ready.status == 200
    assert await ready.json() == {"status": "ready", "process": "dashboard",
                                  "database": "ok", "problems": []}
    assert live.headers["X-Frame-Options"] == "DENY"  # the security middleware still runs


async def test_dashboard_with_a_stale_loop_stamp_answers_503(web_env: WebEnv) -> None:
    watchdog = web_env.client.server.app[WATCHDOG]
    await watchdog.stop()  # the stamping task no longer runs...
    stamp = watchdog.stamp
    watchdog.clock = lambda: stamp + watchdog.bound + 1  # ...for longer than the bound
    live = await web_env.client.get("/livez")
    assert live.status == 503
    body = await live.json()
    assert body["status"] == "stalled" and body["stalled_seconds"] > body["bound_seconds"]
