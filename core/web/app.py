"""The dashboard's aiohttp application: templates, middlewares, routes, error pages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from core.runtime.assembly import Runtime
from core.services.guild_config import GuildConfigService
from core.web import sessions
from core.web.context import CONTEXT, WebContext
from core.web.discord_api import DiscordApi
from core.web.login_limits import LoginLimits

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
SESSION = web.RequestKey("gh_session", object)
HSTS = "max-age=31536000; includeSubDomains"
CDN = "https://cdn.discordapp.com"  # avatars and server icons: images only
CSP = (
    f"default-src 'none'; style-src 'self'; img-src 'self' data: {CDN}; "
    "form-action 'self' {auth}; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def render(request: web.Request, template: str, data: dict[str, Any], status: int = 200) -> (
    web.Response
):
    """Render ``template`` with the common variables (session, csrf token)."""
    session = request.get(SESSION)
    base = {"session": session, "csrf": getattr(session, "csrf_token", ""),
            "path": request.path_qs}
    return aiohttp_jinja2.render_template(template, request, {**base, **data}, status=status)


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    """The same page for every error of a kind (an unknown and a private guild look alike)."""
    return render(request, "error.html", {"status": status, "message": message}, status)


@web.middleware
async def forwarded(request: web.Request, handler: Any) -> web.StreamResponse:
    """Behind a trusted proxy: client address and scheme from X-Forwarded-*."""
    if request.app[CONTEXT].settings.web.trust_forwarded_headers:
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        remote = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        changes: dict[str, Any] = {}  # Request.clone keywords
        if proto in ("http", "https"):
            changes["scheme"] = proto
        if remote:
            changes["remote"] = remote
        if changes:
            request = request.clone(**changes)
    return await handler(request)


def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """CSP, no framing, no sniffing, same-origin referrers; HSTS over https."""
    auth = request.app[CONTEXT].api.authorize_url
    response.headers.setdefault("Content-Security-Policy", CSP.format(auth=auth))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if sessions.over_https(request):
        response.headers.setdefault("Strict-Transport-Security", HSTS)


@web.middleware
async def session_and_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Load the session, render HTTP errors as pages, set security headers."""
    if not request.path.startswith("/static/"):
        request[SESSION] = await sessions.load(request)
    try:
        response = await handler(request)
    except web.HTTPRedirection as redirect:
        security_headers(request, redirect)
        raise
    except web.HTTPException as exc:
        if exc.status >= 500:
            raise
        response = error_page(request, exc.status, exc.text or exc.reason)
        if "Retry-After" in exc.headers:  # a 429 keeps telling when to come back
            response.headers["Retry-After"] = exc.headers["Retry-After"]
    security_headers(request, response)
    if "text/html" in (response.content_type or ""):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(runtime: Runtime) -> web.Application:
    """The dashboard application for ``runtime`` (the ORM must be open while it serves)."""
    from core.web import (
        admin,
        admin_panels,
        health,
        login,
        public,
        public_pages,
        status,
    )
    from core.web.panels import (
        PAGES,
        PANELS,
        SERVER_FIELDS,
        collect,
        collect_pages,
        collect_server_fields,
    )

    settings = runtime.settings
    app = web.Application(middlewares=[forwarded, session_and_errors])
    api = DiscordApi(settings.discord.api_base, settings.discord.token.get_secret_value())
    configs = GuildConfigService(settings.bot.default_prefix, settings.bot.guild_config_cache_size)
    limits = LoginLimits(settings.web.login_per_address, settings.web.login_total,
                         settings.web.login_window_seconds)
    app[CONTEXT] = WebContext(settings, runtime.plugins, api, configs, limits)
    app[PANELS] = collect(runtime.plugins, settings)
    aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    env = aiohttp_jinja2.get_env(app)
    app[public_pages.PUBLIC_PAGES] = public_pages.collect(runtime.plugins, settings, env)
    app[public_pages.GLOBAL_PAGES] = public_pages.collect(runtime.plugins, settings, env,
                                                          everywhere=True)
    app[PAGES] = collect_pages(runtime.plugins, settings, app[PANELS], env)
    app[SERVER_FIELDS] = collect_server_fields(runtime.plugins, settings)
    app.router.add_static("/static", HERE / "static", name="static")
    app.router.add_get("/", public.index)
    for module in (login, public, admin, status, admin_panels, public_pages):
        app.router.add_routes(module.routes)
    health.install(app)

    async def close_api(_: web.Application) -> None:
        await api.close()

    app.on_cleanup.append(close_api)
    return app
