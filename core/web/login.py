"""Discord login (OAuth2 authorization-code flow, scopes ``identify guilds``) and logout.

``/login`` sets a random ``state`` in an HttpOnly cookie and sends the browser to
Discord; ``/auth/callback`` accepts the code only when the returned ``state`` equals the
cookie (so another site cannot log a visitor into its own account), exchanges it for the
user's token, reads the user and their servers with it, then forgets it: the session row
keeps no Discord token. Logout is a POST carrying the CSRF token.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import quote

from aiohttp import web

from core.web import sessions
from core.web.app import SESSION, error_page
from core.web.context import ctx
from core.web.discord_api import DiscordApiError
from core.web.redirects import safe_next

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
STATE_SECONDS = 600


def too_many(seconds: int, message: str) -> web.HTTPTooManyRequests:
    """A 429 telling the browser when to come back."""
    return web.HTTPTooManyRequests(text=f"{message} Please try again in {seconds} seconds.",
                                   headers={"Retry-After": str(seconds)})


def count_login_request(request: web.Request) -> None:
    """Count this login request against its address and the total (429 past a limit)."""
    wait = ctx(request).login_limits.hit(request.remote or "unknown")
    if wait is not None:
        raise too_many(wait, "Too many login attempts.")


def login_redirect(request: web.Request) -> web.HTTPFound:
    """Send a visitor without a session to log in, coming back to this page."""
    return web.HTTPFound("/login?next=" + quote(request.path_qs, safe=""))


@routes.get("/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Start the OAuth2 flow."""
    count_login_request(request)
    c = ctx(request)
    web_settings = c.settings.web
    if not (web_settings.client_id and web_settings.client_secret.get_secret_value()):
        return error_page(request, 503, "Login is not configured on this deployment "
                          "([web] client_id and GUILDHALL_WEB__CLIENT_SECRET).")
    state = secrets.token_urlsafe(24)
    target = safe_next(request.query.get("next"))
    response = web.HTTPFound(c.api.login_url(web_settings.client_id, c.redirect_uri(), state))
    sessions.set_cookie(response, request, sessions.STATE_COOKIE, f"{state}|{target}",
                        max_age=STATE_SECONDS)
    raise response


@routes.get("/auth/callback")
async def callback(request: web.Request) -> web.StreamResponse:
    """Finish the flow: check ``state``, exchange the code, create the session."""
    count_login_request(request)
    c = ctx(request)
    stored = sessions.read_cookie(request, sessions.STATE_COOKIE) or ""
    expected, _, target = stored.partition("|")
    state = request.query.get("state", "")
    if not expected or not state or not hmac.compare_digest(expected, state):
        return error_page(request, 400, "The login could not be verified (state mismatch). "
                          "Please log in again.")
    if "error" in request.query or not request.query.get("code"):
        return error_page(request, 400, "Login was cancelled on Discord.")
    web_settings = c.settings.web
    try:
        token = await c.api.exchange_code(
            web_settings.client_id, web_settings.client_secret.get_secret_value(),
            request.query["code"], c.redirect_uri(),
        )
        user = await c.api.me(token)
        guilds = await c.api.my_guilds(token)
    except DiscordApiError as exc:
        if exc.status == 429:
            wait = c.login_limits.discord_refused(exc.retry_after or 60.0)
            log.warning("login paused for %ss: Discord rate-limited the login (%s)", wait, exc)
            raise too_many(wait, "Discord is limiting logins right now.") from None
        log.warning("login failed: %s", exc)
        return error_page(request, 502, "Discord did not accept the login; please try again.")
    cookie, _ = await sessions.create(
        int(user["id"]), str(user.get("global_name") or user.get("username") or "?"), guilds,
        web_settings.session_days,
    )
    log.info("dashboard login: user %s from %s", user["id"], request.remote)
    response = web.HTTPFound(safe_next(target))
    sessions.set_cookie(response, request, sessions.SESSION_COOKIE, cookie,
                        max_age=web_settings.session_days * 86_400)
    sessions.delete_cookie(response, request, sessions.STATE_COOKIE)
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (CSRF-protected, so another site cannot log a user out)."""
    session = request[SESSION]
    form = await request.post()
    if session is not None:
        if not sessions.csrf_ok(session, form.get("csrf")):  # type: ignore[arg-type]
            raise web.HTTPForbidden(text="The form expired; reload the page and try again.")
        await sessions.delete(session)  # type: ignore[arg-type]
    response = web.HTTPFound("/")
    sessions.delete_cookie(response, request, sessions.SESSION_COOKIE)
    raise response
