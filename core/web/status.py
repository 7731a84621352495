"""``/status``: the operator page (workers, shards, latency, guilds, events per second,
leader; last maintenance runs; age of the newest verified backup). For the bot's owners
(login) or a monitor sending ``Authorization: Bearer <[web] status token>``; it reloads
itself every 15 seconds.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from core.backup.files import newest_verified
from core.db.models import MaintenanceRun, WebSession
from core.runtime.worker_status import read_statuses
from core.web.app import SESSION, render
from core.web.context import WebContext, ctx
from core.web.discord_api import DiscordApiError
from core.web.login import login_redirect

routes = web.RouteTableDef()
REFRESH_SECONDS = 15


async def owner_ids(c: WebContext) -> set[int]:
    """``[bot] owner_ids``, else the application's owner (or team members) from Discord."""
    if c.settings.bot.owner_ids:
        return set(c.settings.bot.owner_ids)
    try:
        app = await c.bot_get("/oauth2/applications/@me", ttl=3600.0)
    except DiscordApiError:
        return set()
    team = app.get("team") or {}
    members = {int(m["user"]["id"]) for m in team.get("members", [])}
    return members or {int(app["owner"]["id"])}


async def allowed(request: web.Request) -> bool:
    """Bearer status token, or a logged-in owner; redirects a visitor to log in."""
    c = ctx(request)
    token = c.settings.web.status_token.get_secret_value()
    sent = request.headers.get("Authorization", "")
    if sent.startswith("Bearer "):
        return bool(token) and hmac.compare_digest(sent[7:].encode(), token.encode())
    session = request.get(SESSION)
    if not isinstance(session, WebSession):
        raise login_redirect(request)
    return session.user_id in await owner_ids(c)


async def _last_runs() -> list[MaintenanceRun]:
    newest: dict[str, MaintenanceRun] = {}
    for run in await MaintenanceRun.all().order_by("-started_at").limit(200):
        newest.setdefault(run.job, run)
    return sorted(newest.values(), key=lambda r: r.job)


def _backup_age(c: WebContext) -> float | None:
    item = newest_verified(Path(c.settings.backup.directory))
    if item is None or item.manifest is None:
        return None
    return (datetime.now(UTC) - item.manifest.created).total_seconds()


@routes.get("/status")
async def status(request: web.Request) -> web.Response:
    """The deployment at a glance."""
    if not await allowed(request):
        raise web.HTTPForbidden(text="Only the bot's owners can see the status page.")
    c = ctx(request)
    workers = sorted(await read_statuses(c.settings), key=lambda w: w.cluster)
    return render(request, "status.html", {
        "workers": workers, "now": time.time(), "refresh": REFRESH_SECONDS,
        "runs": await _last_runs(), "backup_age": _backup_age(c),
        "stale": c.settings.cluster.status_stale_seconds,
        "leader": next((w for w in workers if w.leader), None),
    })
