"""Discord OAuth2 in the double: authorize page, code exchange, bearer-token user routes.

The application's client id is the double's ``application_id`` and its secret is
:data:`CLIENT_SECRET`. ``GET /oauth2/authorize`` shows a page listing the double's users,
each with an "Authorize" button (a browser test clicks one); when
``double.oauth.login_as`` is a user id the page is skipped and the redirect happens at
once (aiohttp route tests). A code is good for one exchange, within 10 minutes, with the
same ``redirect_uri``; the access token then works as ``Authorization: Bearer <token>``
on ``GET /users/@me`` and ``GET /users/@me/guilds`` (permissions from the double's state).
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from .errors import ApiError
from .payloads import user_json
from .permissions import base_permissions

if TYPE_CHECKING:
    from .server import DiscordDouble

CLIENT_SECRET = "double-client-secret"
CODE_SECONDS = 600
TOKEN_SECONDS = 604_800
BEARER_ROUTES = ("/users/@me", "/users/@me/guilds")


@dataclass
class OAuthState:
    """Codes and tokens issued by the double (``code -> (user, redirect, expiry)``)."""

    login_as: int | None = None
    codes: dict[str, tuple[int, str, float]] = field(default_factory=dict)
    tokens: dict[str, tuple[int, str]] = field(default_factory=dict)
    exchanges: int = 0

    def issue_token(self, user_id: int, scope: str = "identify guilds") -> str:
        """A bearer token for ``user_id`` (tests may skip the browser dance)."""
        token = secrets.token_urlsafe(24)
        self.tokens[token] = (user_id, scope)
        return token

    def revoke_all(self, user_id: int) -> None:
        """Invalidate every token of a user (the user de-authorised the app)."""
        self.tokens = {t: v for t, v in self.tokens.items() if v[0] != user_id}


def _authorize_params(double: DiscordDouble, query: Any) -> dict[str, str]:
    if query.get("client_id") != str(double.application_id):
        raise web.HTTPBadRequest(text="Invalid OAuth2 client_id")
    if query.get("response_type") != "code":
        raise web.HTTPBadRequest(text="Unsupported response_type")
    if not query.get("redirect_uri"):
        raise web.HTTPBadRequest(text="Invalid OAuth2 redirect_uri")
    return {k: str(query.get(k, "")) for k in ("client_id", "redirect_uri", "state", "scope")}


def _redirect(double: DiscordDouble, params: dict[str, str], user_id: int) -> web.Response:
    code = secrets.token_urlsafe(18)
    double.oauth.codes[code] = (user_id, params["redirect_uri"], time.monotonic() + CODE_SECONDS)
    query = {"code": code, **({"state": params["state"]} if params["state"] else {})}
    sep = "&" if "?" in params["redirect_uri"] else "?"
    raise web.HTTPFound(params["redirect_uri"] + sep + urlencode(query))


def _page(params: dict[str, str], double: DiscordDouble) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
    )
    buttons = "".join(
        f'<li><form method="post">{hidden}<input type="hidden" name="response_type" '
        f'value="code"><button name="user_id" value="{u.id}">Authorize as '
        f"{html.escape(u.username)}</button></form></li>"
        for u in double.world.users.values()
        if not u.bot
    )
    scope = html.escape(params["scope"])
    return (
        "<!doctype html><html><head><title>Authorize (Discord double)</title></head><body>"
        f"<h1>An application wants access</h1><p>Scopes: {scope}</p><ul>{buttons}</ul>"
        "</body></html>"
    )


def make_authorize(double: DiscordDouble) -> Any:
    """Handler for ``GET``/``POST /oauth2/authorize`` (outside ``/api/v10``, like Discord)."""

    async def authorize(request: web.Request) -> web.Response:
        if request.method == "POST":
            form = await request.post()
            params = _authorize_params(double, form)
            raw = str(form.get("user_id", ""))
            if not raw.isdigit() or int(raw) not in double.world.users:
                raise web.HTTPBadRequest(text="unknown user")
            return _redirect(double, params, int(raw))
        params = _authorize_params(double, request.query)
        if double.oauth.login_as is not None:
            return _redirect(double, params, double.oauth.login_as)
        return web.Response(text=_page(params, double), content_type="text/html")

    return authorize


def _oauth_error(error: str, description: str) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=400)


async def exchange_token(double: DiscordDouble, body: Any) -> web.Response:
    """``POST /oauth2/token`` (form body): authorization code -> access token."""
    data = body if isinstance(body, dict) else {}
    if data.get("client_id") != str(double.application_id) or (
        data.get("client_secret") != CLIENT_SECRET
    ):
        return web.json_response({"error": "invalid_client"}, status=401)
    if data.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "only authorization_code")
    issued = double.oauth.codes.pop(str(data.get("code", "")), None)
    if issued is None or issued[2] < time.monotonic():
        return _oauth_error("invalid_grant", 'Invalid "code" in request.')
    if issued[1] != data.get("redirect_uri"):
        return _oauth_error("invalid_grant", 'Invalid "redirect_uri" in request.')
    double.oauth.exchanges += 1
    token = double.oauth.issue_token(issued[0])
    return web.json_response({
        "access_token": token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
        "refresh_token": secrets.token_urlsafe(24), "scope": "identify guilds",
    })


async def bearer_request(double: DiscordDouble, route: str, authorization: str) -> Any:
    """Answer a user-token (``Bearer``) request; other routes refuse user tokens (401)."""
    grant = double.oauth.tokens.get(authorization.removeprefix("Bearer "))
    if grant is None or route not in BEARER_ROUTES:
        raise ApiError.unauthorized()
    user = double.world.user(grant[0])
    if route == "/users/@me":
        return {**user_json(user), "locale": user.locale, "mfa_enabled": False}
    guilds: list[dict[str, Any]] = []
    for guild in double.world.guilds.values():
        member = guild.members.get(user.id)
        if member is None:
            continue
        guilds.append({
            "id": str(guild.id), "name": guild.name, "icon": guild.icon,
            "owner": guild.owner_id == user.id,
            "permissions": str(base_permissions(guild, member)), "features": [],
        })
    return guilds


def setup_oauth(app: web.Application, double: DiscordDouble) -> None:
    """Register the authorize page (the API routes go through the REST middleware)."""
    handler = make_authorize(double)
    app.router.add_get("/oauth2/authorize", handler)
    app.router.add_post("/oauth2/authorize", handler)


async def token_route(ctx: Any) -> web.Response:
    """Route handler: POST /oauth2/token (form-encoded, no bot authorization)."""
    return await exchange_token(ctx.double, ctx.body)


ROUTES = [("POST", "/oauth2/token", token_route)]
