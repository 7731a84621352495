"""DiscordDouble: one aiohttp app on 127.0.0.1 serving REST (/api/v10) and the gateway.

Pointing disnake at the double: REST URLs are built from the class variable
``disnake.http.Route.BASE`` (webhooks and interaction callbacks use the same
``Route``), and the gateway URL comes from ``GET /gateway/bot`` — so setting
``Route.BASE`` is enough (see :func:`point_disnake_at`). Only CDN asset URLs
(``https://cdn.discordapp.com``) and ``Webhook.url`` keep Discord's host; nothing
fetches them unless a test reads avatars/attachments.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import disnake.http
from aiohttp import web

from .faults import Faults
from .gateway import PRIVILEGED_INTENTS, Gateway
from .ids import SnowflakeGenerator
from .interactions import InteractionStore
from .nonces import NonceRegistry
from .oauth import OAuthState
from .recording import RequestLog, Waiters
from .rest import setup_rest
from .rest_limits import RestLimits
from .scenario import ScenarioMixin
from .state import Message, User, World
from .uploads import Upload

DEFAULT_DISCORD_BASE = "https://discord.com/api/v10"
DISCORD_INTERACTION_DEADLINE = 3.0  # seconds Discord allows for an interaction's first answer
GENEROUS_INTERACTION_DEADLINE = 30.0  # the double's default: robust on a loaded machine


def schema_checks_available() -> bool:
    """Whether request checks default to on: jsonschema is installed (dev extra) and
    ``GUILDHALL_DOUBLE_VALIDATE_REQUESTS=0`` is not set (it exists to measure their cost)."""
    if os.environ.get("GUILDHALL_DOUBLE_VALIDATE_REQUESTS") == "0":
        return False
    return importlib.util.find_spec("jsonschema") is not None


@dataclass
class DoubleConfig:
    """Tunable behaviour; defaults match Discord, tests usually shorten the timings."""

    token: str = "test-token"
    shard_count: int = 1
    max_concurrency: int = 1
    session_start_total: int = 1000
    session_start_remaining: int = 1000
    session_start_reset_after_ms: int = 14_400_000
    heartbeat_interval_ms: int = 41_250
    identify_window: float = 5.0
    resume_timeout: float = 60.0
    # close 4009 when a connection sends no heartbeat for this long (None: never; Discord
    # closes a connection that misses its heartbeats, tests opt in with a short value)
    heartbeat_timeout: float | None = None
    # close 4011 (sharding required) when IDENTIFY puts more guilds on one shard (Discord: 2,500)
    max_guilds_per_shard: int = 2500
    replay_buffer: int = 1000
    # seconds the bot has for an interaction's initial response (else 404/10062). Discord
    # allows DISCORD_INTERACTION_DEADLINE (3 s); the default is 10x that so a busy CI machine
    # does not fail unrelated tests; a test about the deadline opts in to Discord's figure.
    interaction_timeout: float = GENEROUS_INTERACTION_DEADLINE
    # seconds a create-message ``nonce`` sent with ``enforce_nonce: true`` is remembered: a
    # repeat from the same author in the same channel returns the original message (Discord:
    # "the past few minutes"; the double's reading is 2 minutes)
    nonce_window: float = 120.0
    # the clock of interaction deadlines, token lifetimes and nonces (tests inject a manual one)
    clock: Callable[[], float] = time.monotonic
    strict_shard_count: bool = True
    privileged_intents: int = PRIVILEGED_INTENTS
    bot_username: str = "guildhall"
    seed: int = 0
    # Discord's global REST limit per bot token (50/s); None: not enforced (the default, so
    # tests of other things do not wait on it; see core.testing.double.rest_limits)
    global_rate_per_second: float | None = None
    # Discord's per-route buckets: (requests, seconds) of every route's bucket per bot token
    # and major parameter; None: not enforced (the default; answers carry fixed headers)
    route_limit: tuple[int, float] | None = None
    # answer 400/50035 to requests breaking Discord's contract (needs jsonschema, a dev extra;
    # a production install's web sandbox runs without it)
    validate_requests: bool = field(default_factory=schema_checks_available)


class DiscordDouble(ScenarioMixin):
    """A local Discord-compatible server for tests.

    Use ``async with DiscordDouble(shard_count=2, identify_window=0.2) as double:``;
    keyword arguments are :class:`DoubleConfig` fields.
    """

    def __init__(self, config: DoubleConfig | None = None, **options: Any) -> None:
        self.config = config or DoubleConfig(**options)
        self.ids = SnowflakeGenerator()
        self.world = World(self.ids)
        self.faults = Faults(self.config.seed)
        self.rest_limits = RestLimits(
            lambda: self.config.global_rate_per_second,
            route_limit=lambda: self.config.route_limit,
        )
        self.requests = RequestLog()
        self.bot_messages: Waiters[Message] = Waiters()
        self.gateway = Gateway(self)
        self.interactions = InteractionStore(self)
        self.oauth = OAuthState()
        self.uploads: dict[int, Upload] = {}  # files the bot sent, by attachment id
        self.nonces = NonceRegistry(lambda: self.config.nonce_window, lambda: self.config.clock())
        # requests answered 400/50035 for breaking Discord's contract (fixtures assert none)
        self.contract_violations: list[str] = []
        self.application_id = self.ids.next()
        self.bot_user = User(id=self.application_id, username=self.config.bot_username, bot=True)
        self.world.users[self.bot_user.id] = self.bot_user
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle ---------------------------------------------------------
    async def start(self) -> DiscordDouble:
        """Bind a free port on 127.0.0.1 and start serving."""
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        setup_rest(app, self)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        return self

    async def close(self) -> None:
        """Close gateway sockets and stop the server."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordDouble:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- addresses ---------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The REST base to put in ``disnake.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The websocket URL returned by ``GET /gateway/bot`` and as resume_gateway_url."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def token(self) -> str:
        """The bot token the double accepts."""
        return self.config.token


def point_disnake_at(target: str | DiscordDouble) -> str:
    """Make disnake send REST (and so gateway discovery) to ``target``; returns the old base."""
    base = target.api_base if isinstance(target, DiscordDouble) else target
    previous = disnake.http.Route.BASE
    disnake.http.Route.BASE = base.rstrip("/")
    return previous


@contextmanager
def disnake_pointed_at(target: str | DiscordDouble) -> Iterator[None]:
    """Context manager around :func:`point_disnake_at` that restores the previous base."""
    previous = point_disnake_at(target)
    try:
        yield
    finally:
        disnake.http.Route.BASE = previous
