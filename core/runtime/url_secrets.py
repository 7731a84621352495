"""Secrets inside connection URLs: the ``user:password@`` part and secret query parameters.

``postgres://bot@db/gh?password=x`` and ``redis://cache?password=x`` carry a password as
surely as ``postgres://bot:x@db/gh``; every URL shown or logged goes through
:func:`mask_url`, and :func:`url_secrets` names what ``config.toml`` must not hold.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

MASK = "***"
# query parameter names (lower case) whose value is a secret, matched exactly ...
SECRET_PARAMETERS = frozenset({
    "password", "passwd", "pwd", "pass", "secret", "token", "sslpassword", "sslkey",
    "auth", "apikey", "api_key", "access_token", "client_secret",
})
# ... or when the name contains one of these words (``db_password``, ``authToken``)
SECRET_WORDS = ("password", "passwd", "secret", "token")


def is_secret_parameter(name: str) -> bool:
    """True when a query parameter called ``name`` holds a secret (case-insensitive)."""
    lowered = unquote_plus(name).strip().lower()
    return lowered in SECRET_PARAMETERS or any(word in lowered for word in SECRET_WORDS)


def _query_pairs(query: str) -> list[tuple[str, str | None]]:
    """``a=1&b`` -> ``[("a", "1"), ("b", None)]``, the raw (still encoded) text kept."""
    pairs: list[tuple[str, str | None]] = []
    for piece in query.split("&"):
        name, sep, value = piece.partition("=")
        pairs.append((name, value if sep else None))
    return pairs


def url_secrets(url: str) -> list[str]:
    """What in ``url`` is a secret: ``"password"`` for ``user:password@``, then
    ``"?name="`` for each secret query parameter that has a value (empty when none)."""
    head, _, rest = url.partition("?")
    found = ["password"] if _masked_userinfo(head) != head else []
    for name, value in _query_pairs(rest.partition("#")[0]):
        if value and is_secret_parameter(name):
            found.append(f"?{unquote_plus(name)}=")
    return found


def _masked_userinfo(head: str) -> str:
    """``scheme://user:pw@host/path`` -> ``scheme://user:***@host/path`` (else unchanged)."""
    scheme, sep, remainder = head.partition("//")
    if not sep:
        return head
    netloc, slash, path = remainder.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at or not colon or not password:
        return head
    return f"{scheme}//{user}:{MASK}@{host}{slash}{path}"


def mask_url(url: str) -> str:
    """``url`` with its password and secret query values replaced by ``***`` (for logs,
    errors, ``config check`` and ``status``); everything else is left as written."""
    head, question, rest = url.partition("?")
    query, hash_sign, fragment = rest.partition("#")
    masked_query = "&".join(
        name if value is None
        else f"{name}={MASK if value and is_secret_parameter(name) else value}"
        for name, value in _query_pairs(query)
    ) if question else ""
    return f"{_masked_userinfo(head)}{question}{masked_query}{hash_sign}{fragment}"
