"""Every REST request of the bot passes the cluster's REST budget, in one place.

:func:`install_rest_budget` wraps the bot's ``HTTPClient.request`` so each request
carries an aiohttp client middleware. The middleware runs around every attempt disnake
makes (its retries after a 429 or a 5xx included): before sending it waits on
:meth:`~core.coordination.rest_budget.RestBudget.before_request` (the route's shared
bucket for its major parameter, then the global bucket), after the answer it reports the
status and the ``X-RateLimit-*`` headers of the route's bucket. Interaction responses
(``/interactions/{id}/{token}/callback`` and the
``/webhooks/{application_id}/{interaction_token}`` routes) are exempt from the buckets and
the breaker, as Discord exempts them from the global limit; their invalid
answers still count. Follow-ups sent through ``Interaction.followup`` use disnake's
webhook adapter, not this client, and so never wait either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from disnake.http import HTTPClient, Route

from core.coordination.rest_budget import RestBudget
from core.coordination.route_buckets import RouteAnswer

Middleware = Callable[[ClientRequest, ClientHandlerType], Awaitable[ClientResponse]]


def is_exempt(route: Route) -> bool:
    """Whether Discord exempts the route from the global limit (interaction responses)."""
    return route.path.startswith("/interactions/") or "{interaction_token}" in route.path


def route_name(route: Route) -> str:
    """The route as the shared buckets name it until its bucket is known."""
    return f"{route.method} {route.path}"


def major_parameter(route: Route) -> str:
    """The route's top-level resource, which Discord limits separately: its channel,
    guild or webhook (a webhook's token is not shared: its id names it)."""
    for prefix, value in (("c", route.channel_id), ("g", route.guild_id),
                          ("w", route.webhook_id)):
        if value is not None:
            return f"{prefix}{value}"
    return ""


def budget_middleware(
    budget: RestBudget, *, exempt: bool, route: str = "", major: str = ""
) -> Middleware:
    """The aiohttp middleware that spends ``budget`` for one request's attempts."""

    async def spend(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        probe = await budget.before_request(exempt=exempt, route=route, major=major)
        try:
            response = await handler(request)
        except Exception:
            if probe:  # no answer: let the next request probe
                await budget.answered(0, None, route=route, major=major, probe=True)
            raise
        headers = response.headers
        answer = None if exempt else RouteAnswer.from_headers(response.status, headers)
        await budget.answered(response.status, headers.get("X-RateLimit-Scope"),
                              route=route, major=major, answer=answer, probe=probe)
        return response

    return spend


def install_rest_budget(http: HTTPClient, budget: RestBudget) -> None:
    """Make every request of ``http`` pass ``budget`` (call once per client)."""
    send = http.request

    async def request(route: Route, **kwargs: Any) -> Any:
        kwargs["middlewares"] = (budget_middleware(
            budget, exempt=is_exempt(route), route=route_name(route),
            major=major_parameter(route)),)
        return await send(route, **kwargs)

    http.request = request  # type: ignore[method-assign]
