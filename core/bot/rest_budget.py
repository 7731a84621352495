"""Every REST request of the bot passes the cluster's REST budget, in one place.

:func:`install_rest_budget` wraps the bot's ``HTTPClient.request`` so each request
carries an aiohttp client middleware. The middleware runs around every attempt disnake
makes (its retries after a 429 or a 5xx included): before sending it waits on
:meth:`~core.coordination.rest_budget.RestBudget.before_request`, after the answer it
reports the status. Interaction responses (``/interactions/{id}/{token}/callback`` and
the ``/webhooks/{application_id}/{interaction_token}`` routes) are exempt from the
bucket and the breaker, as Discord exempts them from the global limit; their invalid
answers still count. Follow-ups sent through ``Interaction.followup`` use disnake's
webhook adapter, not this client, and so never wait either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from disnake.http import HTTPClient, Route

from core.coordination.rest_budget import RestBudget

Middleware = Callable[[ClientRequest, ClientHandlerType], Awaitable[ClientResponse]]


def is_exempt(route: Route) -> bool:
    """Whether Discord exempts the route from the global limit (interaction responses)."""
    return route.path.startswith("/interactions/") or "{interaction_token}" in route.path


def budget_middleware(budget: RestBudget, *, exempt: bool) -> Middleware:
    """The aiohttp middleware that spends ``budget`` for one request's attempts."""

    async def spend(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        await budget.before_request(exempt=exempt)
        response = await handler(request)
        await budget.answered(response.status, response.headers.get("X-RateLimit-Scope"))
        return response

    return spend


def install_rest_budget(http: HTTPClient, budget: RestBudget) -> None:
    """Make every request of ``http`` pass ``budget`` (call once per client)."""
    send = http.request

    async def request(route: Route, **kwargs: Any) -> Any:
        kwargs["middlewares"] = (budget_middleware(budget, exempt=is_exempt(route)),)
        return await send(route, **kwargs)

    http.request = request  # type: ignore[method-assign]
