"""The few Discord REST calls the dashboard makes: OAuth2 code exchange, the user's
identity and guilds (their token), and a guild's channels and roles (the bot's token).

Everything goes to ``[discord] api_base``, so the Discord double serves it in tests. The
authorize page lives at the API host's ``/oauth2/authorize``, as on discord.com.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
SCOPES = "identify guilds"
TIMEOUT = aiohttp.ClientTimeout(total=10)


class DiscordApiError(Exception):
    """Discord refused or failed a call; ``status`` is the HTTP status (0: unreachable),
    ``retry_after`` the seconds Discord asked to wait (429 only)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _retry_after(headers: Any, data: Any) -> float:
    """Seconds to wait from a 429 (``Retry-After`` header, else the JSON ``retry_after``)."""
    for raw in (headers.get("Retry-After"), data.get("retry_after") if isinstance(data, dict)
                else None):
        if raw is None:
            continue
        try:
            seconds = float(raw)
        except (TypeError, ValueError):
            continue
        if seconds == seconds and seconds >= 0:  # not NaN
            return seconds
    return 60.0


@dataclass(frozen=True)
class UserGuild:
    """A guild as ``GET /users/@me/guilds`` lists it for the logged-in user."""

    id: int
    name: str
    permissions: int
    owner: bool
    icon: str | None = None

    @property
    def can_manage(self) -> bool:
        """Owner, Administrator or Manage Server."""
        return self.owner or bool(self.permissions & (MANAGE_GUILD | ADMINISTRATOR))


class DiscordApi:
    """A small REST client; one ``aiohttp.ClientSession`` per web process."""

    def __init__(self, api_base: str, bot_token: str) -> None:
        self.api_base = api_base.rstrip("/")
        self.bot_token = bot_token
        self._session: aiohttp.ClientSession | None = None

    @property
    def authorize_url(self) -> str:
        """``https://discord.com/oauth2/authorize`` (the API base's host)."""
        parts = urlsplit(self.api_base)
        return f"{parts.scheme}://{parts.netloc}/oauth2/authorize"

    def login_url(self, client_id: str, redirect_uri: str, state: str) -> str:
        """Where to send the browser to log in (authorization-code flow)."""
        query = urlencode({
            "response_type": "code", "client_id": client_id, "scope": SCOPES,
            "state": state, "redirect_uri": redirect_uri, "prompt": "none",
        })
        return f"{self.authorize_url}?{query}"

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def _call(self, method: str, path: str, auth: str | None, **kwargs: Any) -> Any:
        headers = {"Authorization": auth} if auth else {}
        try:
            async with self._http().request(
                method, self.api_base + path, headers=headers, **kwargs
            ) as response:
                data = await response.json(content_type=None)
                if response.status == 429:
                    raise DiscordApiError(429, f"{method} {path}: rate limited",
                                          _retry_after(response.headers, data))
                if response.status >= 400:
                    raise DiscordApiError(response.status, f"{method} {path}: {data!r:.200}")
                return data
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise DiscordApiError(0, f"{method} {path}: {exc}") from None

    async def exchange_code(
        self, client_id: str, client_secret: str, code: str, redirect_uri: str
    ) -> str:
        """The user's access token for an authorization code."""
        data = await self._call("POST", "/oauth2/token", None, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id, "client_secret": client_secret,
        })
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str):
            raise DiscordApiError(502, "the token answer has no access_token")
        return token

    async def me(self, access_token: str) -> dict[str, Any]:
        """``GET /users/@me`` with the user's token."""
        return dict(await self._call("GET", "/users/@me", f"Bearer {access_token}"))

    async def my_guilds(self, access_token: str) -> list[UserGuild]:
        """``GET /users/@me/guilds`` with the user's token."""
        rows = await self._call("GET", "/users/@me/guilds", f"Bearer {access_token}")
        return [
            UserGuild(int(g["id"]), str(g["name"]), int(g.get("permissions") or 0),
                      bool(g.get("owner")))
            for g in rows
        ]

    async def bot_call(self, path: str) -> Any:
        """``GET path`` with the bot's token (channels, roles, application)."""
        return await self._call("GET", path, f"Bot {self.bot_token}")
