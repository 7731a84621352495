"""Dashboard sessions in ``web_sessions``: the cookie holds a random token, the table its
SHA-256, so a leaked database row cannot be replayed as a cookie. No Discord token is
kept: the row holds the user and the servers they could manage at login (permissions are
re-checked live with the bot's token, :mod:`core.web.member_access`). Every process can
serve every request (no session state in memory).

Over https (the public address is https, or the request came over https directly or
through a trusted proxy) cookies are ``Secure`` and named with the ``__Host-`` prefix, so
a browser refuses them from plain http or with a ``Domain``; over plain http (local use)
they keep their plain names.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from aiohttp import web
from tortoise import timezone

from core.db.models import WebSession
from core.web.context import ctx
from core.web.discord_api import UserGuild

SESSION_COOKIE = "gh_session"
STATE_COOKIE = "gh_oauth_state"
HOST_PREFIX = "__Host-"
MAX_LISTED = 200  # Discord lets a user join at most 200 servers


def over_https(request: web.Request) -> bool:
    """The public address is https, or this request came over https (directly, or through
    a proxy whose X-Forwarded-Proto is trusted)."""
    return ctx(request).settings.web.secure_cookies or request.secure


def cookie_name(request: web.Request, base: str) -> str:
    """``__Host-<base>`` over https, ``<base>`` over plain http."""
    return HOST_PREFIX + base if over_https(request) else base


def read_cookie(request: web.Request, base: str) -> str | None:
    """The value of the cookie ``base`` under this request's name for it."""
    return request.cookies.get(cookie_name(request, base))


def token_hash(token: str) -> str:
    """The ``web_sessions.id`` of a cookie token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create(
    user_id: int, username: str, guilds: list[UserGuild], days: int
) -> tuple[str, str]:
    """Store a new session with the servers the user could manage at login (no Discord
    token); return ``(cookie token, csrf token)``."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    listed = [[str(g.id), g.name[:100]] for g in guilds if g.can_manage][:MAX_LISTED]
    await WebSession.create(
        id=token_hash(token), user_id=user_id, username=username[:100],
        manageable_guilds=json.dumps(listed), csrf_token=csrf,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, csrf


def manageable_guilds(session: WebSession) -> list[tuple[int, str]]:
    """``(guild id, name)`` of the servers the user could manage when logging in."""
    try:
        rows = json.loads(session.manageable_guilds)
    except ValueError:
        return []
    if not isinstance(rows, list):
        return []
    return [(int(row[0]), str(row[1])) for row in rows
            if isinstance(row, list) and len(row) == 2 and str(row[0]).isdigit()]


async def load(request: web.Request) -> WebSession | None:
    """The live session named by the request's cookie, or ``None``."""
    token = read_cookie(request, SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    return await WebSession.get_or_none(id=token_hash(token), expires_at__gt=timezone.now())


async def delete(session: WebSession) -> None:
    """Log out: the row is gone, the cookie token is worthless."""
    await WebSession.filter(id=session.id).delete()


def csrf_ok(session: WebSession | None, submitted: object) -> bool:
    """Whether a submitted form's ``csrf`` field matches the session's token."""
    if session is None or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), submitted.encode())


def set_cookie(
    response: web.StreamResponse, request: web.Request, base: str, value: str,
    max_age: int | None,
) -> None:
    """An HttpOnly, SameSite=Lax cookie for the whole site (``Secure`` and ``__Host-``
    over https)."""
    secure = over_https(request)
    response.set_cookie(cookie_name(request, base), value, max_age=max_age, path="/",
                        httponly=True, samesite="Lax", secure=secure)


def delete_cookie(response: web.StreamResponse, request: web.Request, base: str) -> None:
    """Expire the cookie ``base`` (same name and flags as it was set with)."""
    response.del_cookie(cookie_name(request, base), path="/", secure=over_https(request),
                        httponly=True, samesite="Lax")
