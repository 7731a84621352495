"""REST plumbing (recording, faults, auth, rate-limit headers, JSON errors) and core routes.

Route templates use disnake's placeholder names (``/channels/{channel_id}/messages``),
so a recorded request's ``route`` equals ``disnake.http.Route.path``.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import oauth, request_rules, route_usage, uploads
from .errors import ApiError
from .payloads import command_json, user_json
from .recording import RecordedRequest
from .rest_limits import RouteVerdict, bucket_of
from .state import Command

if TYPE_CHECKING:
    from .server import DiscordDouble

PREFIX = "/api/v10"
JSON = "application/json"
_NO_AUTH = (
    "/interactions/", "/webhooks/{webhook_id}/{webhook_token}", "/gateway", "/oauth2/token"
)
_RECORDED_HEADERS = ("X-Audit-Log-Reason", "User-Agent", "Content-Type")
_NAME_RE = re.compile(r"^[-_\w]{1,32}$")
BODY_KEY = web.RequestKey("double_body", object)


@dataclass
class Ctx:
    """What a route handler gets: the double, the parsed body and path parameters."""

    double: DiscordDouble
    request: web.Request
    body: Any

    @property
    def query(self) -> Any:
        """The query string multidict."""
        return self.request.query

    def id(self, name: str) -> int:
        """A snowflake path parameter (400/50035 when not a number)."""
        raw = self.request.match_info[name]
        if not raw.isdigit():
            raise ApiError.invalid_form(
                name, f'Value "{raw}" is not snowflake.', "NUMBER_TYPE_COERCE"
            )
        return int(raw)

    def raw(self, name: str) -> str:
        """A raw path parameter."""
        return self.request.match_info[name]


Handler = Callable[[Ctx], Awaitable[Any]]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A response with ``Content-Type: application/json`` exactly (no charset)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": JSON, **(headers or {})},
    )


UNENFORCED_LIMIT = 10_000  # what answers claim while route buckets are off: never binding


def _ratelimit_headers(
    method: str, route: str, remaining: int, reset_after: float
) -> dict[str, str]:
    """Headers of a route whose bucket the double does not enforce (``route_limit`` off)."""
    verdict = RouteVerdict(bucket_of(method, route), UNENFORCED_LIMIT, remaining, reset_after,
                           False)
    return verdict.headers()


def rate_limited(
    method: str, route: str, retry_after: float, is_global: bool, scope: str,
    verdict: RouteVerdict | None = None,
) -> web.Response:
    """A Discord 429: JSON body plus the headers disnake reads (incl. ``Via``). A global
    one carries no bucket headers, as on Discord; a route one its bucket's."""
    headers = {} if is_global else (
        verdict.headers() if verdict else _ratelimit_headers(method, route, 0, retry_after)
    )
    headers.update(
        {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else scope,
            "Via": "1.1 google",
        }
    )
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
        "code": 0,
    }
    return json_response(body, 429, headers)


async def _read_body(request: web.Request) -> tuple[Any, list[str]]:
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        form = await request.post()
        files = [str(getattr(v, "filename", k)) for k, v in form.items() if hasattr(v, "file")]
        payload = form.get("payload_json")
        return (json.loads(str(payload)) if payload is not None else None), files
    if ctype == "application/x-www-form-urlencoded":
        return dict(await request.post()), []
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


def _route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else request.path
    return canonical[len(PREFIX) :] if canonical.startswith(PREFIX) else canonical


def make_middleware(double: DiscordDouble) -> Any:
    """The middleware that records, injects faults, checks auth and renders errors."""

    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(PREFIX + "/"):
            return await handler(request)
        unserved = request.match_info.http_exception is not None
        route = _route_of(request)
        if unserved:
            route = route_usage.documented_template(route) or route
        rec = RecordedRequest(
            method=request.method,
            route=route,
            path=request.path[len(PREFIX) :],
            params=dict(request.match_info),
            query=dict(request.query),
            json=None,
            headers={h: request.headers[h] for h in _RECORDED_HEADERS if h in request.headers},
            unserved=unserved,
        )
        response: web.StreamResponse
        if unserved:
            response = _unserved(request)
        else:
            response = await _process(double, request, handler, rec, route)
        rec.status = response.status
        double.rest_limits.answered(
            request.remote or "", response.status, response.headers.get("X-RateLimit-Scope")
        )
        double.requests.push(rec)
        route_usage.record(rec)
        return response

    return middleware


def _unserved(request: web.Request) -> web.Response:
    """Discord's answer to a route it does not have: 404 (405 for a wrong method)."""
    exc = request.match_info.http_exception
    status, reason = (exc.status, exc.reason) if exc is not None else (404, "Not Found")
    return json_response({"message": f"{status}: {reason}", "code": 0}, status)


async def _process(
    double: DiscordDouble, request: web.Request, handler: Any, rec: RecordedRequest, route: str
) -> web.StreamResponse:
    verdict: RouteVerdict | None = None
    try:
        rec.json, rec.files = await _read_body(request)
        if request.content_type.startswith("multipart/"):  # post() is cached by aiohttp
            uploads.attach_uploads(double, rec.json, await request.post())
        request[BODY_KEY] = rec.json
        retry_after = double.rest_limits.over_global(
            request.headers.get("Authorization", ""), route
        )
        if retry_after is not None:
            return rate_limited(request.method, route, retry_after, True, "global")
        verdict = double.rest_limits.route_verdict(
            request.headers.get("Authorization") or request.remote or "", request.method,
            route, request.match_info,
        )
        if verdict is not None and verdict.over:
            return rate_limited(request.method, route, verdict.reset_after, False, "user",
                                verdict)
        decision = double.faults.decide(request.method, route)
        if decision.delay_ms:
            await asyncio.sleep(decision.delay_ms / 1000)
        if decision.status == 429:
            return rate_limited(request.method, route, decision.retry_after,
                                decision.is_global, decision.scope)
        if decision.status is not None:
            return json_response({"message": "Internal Server Error", "code": 0}, decision.status)
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            response = json_response(await oauth.bearer_request(double, route, auth))
        elif (not route.startswith(_NO_AUTH) or route == "/gateway/bot") and (
            auth != f"Bot {double.config.token}"
        ):
            raise ApiError.unauthorized()
        else:
            if double.config.validate_requests:
                try:
                    request_rules.check_request(
                        request.method, route, rec.json, request.headers,
                        multipart=request.content_type.startswith("multipart/"),
                    )
                except ApiError as exc:
                    double.contract_violations.append(
                        f"{request.method} {route}: {json.dumps(exc.errors)[:2000]}"
                    )
                    raise
            response = await handler(request)
    except ApiError as exc:
        response = json_response(exc.body(), exc.status)
    except web.HTTPException as exc:
        response = json_response({"message": f"{exc.status}: {exc.reason}", "code": 0}, exc.status)
    response.headers.update(
        verdict.headers() if verdict is not None
        else _ratelimit_headers(request.method, route, UNENFORCED_LIMIT - 1, 1.0)
    )
    return response


def add_routes(
    app: web.Application, double: DiscordDouble, routes: Sequence[tuple[str, str, Handler]]
) -> None:
    """Register ``(method, template, handler)`` routes under ``/api/v10``."""
    for method, template, fn in routes:
        app.router.add_route(method, PREFIX + template, _adapt(double, fn))


def _adapt(
    double: DiscordDouble, fn: Handler
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        result = await fn(Ctx(double, request, request.get(BODY_KEY)))
        if isinstance(result, web.StreamResponse):
            return result
        if result is None:
            return web.Response(status=204)
        return json_response(result)

    return handler


def setup_rest(app: web.Application, double: DiscordDouble) -> None:
    """Install the middleware and every REST route on ``app``."""
    from . import rest_guilds, rest_messages

    app.middlewares.append(make_middleware(double))
    add_routes(app, double, CORE_ROUTES)
    add_routes(app, double, rest_messages.ROUTES)
    add_routes(app, double, rest_guilds.ROUTES)
    add_routes(app, double, oauth.ROUTES)
    oauth.setup_oauth(app, double)
    uploads.setup_uploads(app, double)


# -- core routes -------------------------------------------------------------
async def get_me(ctx: Ctx) -> Any:
    """Route handler: GET /users/@me."""
    data = user_json(ctx.double.bot_user)
    data.update({"verified": True, "mfa_enabled": False, "email": None, "locale": "en-US"})
    return data


async def get_user(ctx: Ctx) -> Any:
    """Route handler: GET /users/{user_id}."""
    return user_json(ctx.double.world.user(ctx.id("user_id")))


async def get_application(ctx: Ctx) -> Any:
    """Route handler: GET /oauth2/applications/@me, GET /applications/@me."""
    d = ctx.double
    owner = next((u for u in d.world.users.values() if not u.bot), d.bot_user)
    return {
        "id": str(d.application_id),
        "name": d.bot_user.username,
        "icon": None,
        "description": "",
        "summary": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_json(owner),
        "team": None,
        "flags": 1 << 14 | 1 << 18,
        "flags_new": str(1 << 14 | 1 << 18),
        "type": None,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "approximate_guild_count": len(d.bot_guilds()),
        "approximate_user_install_count": 0,
        "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0,
        "eligible_oauth2_scopes": ["applications.commands", "bot"],
        "bot": user_json(d.bot_user),
    }


async def get_gateway(ctx: Ctx) -> Any:
    """Route handler: GET /gateway."""
    return {"url": ctx.double.gateway_url}


async def get_gateway_bot(ctx: Ctx) -> Any:
    """Route handler: GET /gateway/bot."""
    cfg = ctx.double.config
    return {
        "url": ctx.double.gateway_url,
        "shards": cfg.shard_count,
        "session_start_limit": {
            "total": cfg.session_start_total,
            "remaining": cfg.session_start_remaining,
            "reset_after": cfg.session_start_reset_after_ms,
            "max_concurrency": cfg.max_concurrency,
        },
    }


def _scope(ctx: Ctx) -> int | None:
    if ctx.id("application_id") != ctx.double.application_id:
        raise ApiError.missing_access()
    if "guild_id" not in ctx.request.match_info:
        return None
    guild_id = ctx.id("guild_id")
    if ctx.double.bot_user.id not in ctx.double.world.guild(guild_id).members:
        raise ApiError.missing_access()
    return guild_id


def _validate_command(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not data.get("name"):
        raise ApiError.invalid_form("name", "This field is required", "BASE_TYPE_REQUIRED")
    name = str(data["name"])
    ctype = int(data.get("type", 1))
    if ctype == 1 and (not _NAME_RE.match(name) or name != name.lower()):
        raise ApiError.invalid_form(
            "name", "Command name is invalid", "APPLICATION_COMMAND_INVALID_NAME"
        )
    if ctype == 1 and len(str(data.get("description", ""))) > 100:
        raise ApiError.invalid_form("description", "Must be 100 or fewer in length.")
    return {
        k: v for k, v in data.items() if k not in ("id", "application_id", "version", "guild_id")
    }


def _upsert(ctx: Ctx, guild_id: int | None, data: dict[str, Any]) -> Command:
    d = ctx.double
    clean = _validate_command(data)
    for cmd in d.world.commands_for(d.application_id, guild_id):
        if cmd.name == clean["name"] and cmd.type == int(clean.get("type", 1)):
            cmd.data = clean
            cmd.version = d.ids.next()
            return cmd
    cmd = Command(d.ids.next(), d.application_id, guild_id, clean, d.ids.next())
    d.world.commands[cmd.id] = cmd
    return cmd


def _command(ctx: Ctx, guild_id: int | None) -> Command:
    cmd = ctx.double.world.commands.get(ctx.id("command_id"))
    if cmd is None or cmd.guild_id != guild_id:
        raise ApiError.unknown("command")
    return cmd


async def list_commands(ctx: Ctx) -> Any:
    """Route handler: GET /applications/{application_id}[/guilds/{guild_id}]/commands."""
    guild_id = _scope(ctx)
    return [
        command_json(c) for c in ctx.double.world.commands_for(ctx.double.application_id, guild_id)
    ]


async def bulk_overwrite(ctx: Ctx) -> Any:
    """Route handler: PUT /applications/{application_id}[/guilds/{guild_id}]/commands."""
    guild_id = _scope(ctx)
    if not isinstance(ctx.body, list):
        raise ApiError.invalid_form("_root", "Must be an array.")
    kept = [_upsert(ctx, guild_id, data) for data in ctx.body]
    keep_ids = {c.id for c in kept}
    world = ctx.double.world
    for cmd in world.commands_for(ctx.double.application_id, guild_id):
        if cmd.id not in keep_ids:
            del world.commands[cmd.id]
    return [command_json(c) for c in kept]


async def create_command(ctx: Ctx) -> Any:
    """Route handler: POST .../commands: 201 for a new command, 200 when it replaced one."""
    guild_id = _scope(ctx)
    before = set(ctx.double.world.commands)
    cmd = _upsert(ctx, guild_id, ctx.body)
    return json_response(command_json(cmd), 200 if cmd.id in before else 201)


async def get_command(ctx: Ctx) -> Any:
    """Route handler: GET .../commands/{command_id} (global or guild)."""
    return command_json(_command(ctx, _scope(ctx)))


async def edit_command(ctx: Ctx) -> Any:
    """Route handler: PATCH .../commands/{command_id} (global or guild)."""
    cmd = _command(ctx, _scope(ctx))
    cmd.data = _validate_command({**cmd.data, **(ctx.body or {})})
    cmd.version = ctx.double.ids.next()
    return command_json(cmd)


async def delete_command(ctx: Ctx) -> Any:
    """Route handler: DELETE .../commands/{command_id} (global or guild)."""
    cmd = _command(ctx, _scope(ctx))
    del ctx.double.world.commands[cmd.id]


_APP = "/applications/{application_id}"
_GUILD_APP = _APP + "/guilds/{guild_id}"

CORE_ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/users/@me", get_me),
    ("GET", "/oauth2/applications/@me", get_application),
    ("GET", "/applications/@me", get_application),
    ("GET", "/gateway", get_gateway),
    ("GET", "/gateway/bot", get_gateway_bot),
]
for _base in (_APP, _GUILD_APP):
    CORE_ROUTES += [
        ("GET", _base + "/commands", list_commands),
        ("PUT", _base + "/commands", bulk_overwrite),
        ("POST", _base + "/commands", create_command),
        ("GET", _base + "/commands/{command_id}", get_command),
        ("PATCH", _base + "/commands/{command_id}", edit_command),
        ("DELETE", _base + "/commands/{command_id}", delete_command),
    ]
CORE_ROUTES.append(("GET", "/users/{user_id}", get_user))
