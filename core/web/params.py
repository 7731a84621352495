"""Numbers taken from URLs and forms: the one place the dashboard turns text into ids.

Only ASCII digits count (``"²".isdigit()`` is true, yet ``int`` refuses it), a Discord
id is a snowflake (``0 < id < 2**63``, what a signed 64-bit column holds) and every other
number has an upper bound, so nothing a visitor types can reach ``int()`` or the database
as an error. :func:`path_snowflake` answers 404 and :func:`query_page` 400, with a clear
message; form readers turn ``None`` into a ``ValueError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

MAX_SNOWFLAKE = 2**63 - 1
MAX_DIGITS = 19  # len(str(MAX_SNOWFLAKE))
NOT_FOUND = "No such page."


def ascii_digits(raw: object, max_digits: int = MAX_DIGITS) -> bool:
    """Whether ``raw`` is a string of 1 to ``max_digits`` ASCII digits."""
    return (isinstance(raw, str) and 0 < len(raw) <= max_digits and raw.isascii()
            and raw.isdigit())


def snowflake(raw: object) -> int | None:
    """A Discord id in ``raw`` (surrounding spaces allowed), or ``None`` when it is not one."""
    text = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(text, str) or not ascii_digits(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_SNOWFLAKE else None


def bounded(raw: object, low: int, high: int) -> int | None:
    """A whole number ``low <= n <= high`` in ``raw``, or ``None`` when it is not one."""
    text = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(text, str) or not ascii_digits(text, len(str(high))):
        return None
    value = int(text)
    return value if low <= value <= high else None


def path_snowflake(request: web.Request, name: str) -> int:
    """The ``{name}`` path part as a snowflake (the common 404 when it is not one)."""
    value = snowflake(request.match_info.get(name))
    if value is None or request.match_info[name] != request.match_info[name].strip():
        raise web.HTTPNotFound(text=NOT_FOUND)
    return value


def page_number(query: Mapping[str, str], name: str = "page", maximum: int = 100_000) -> int:
    """``?page=`` as ``1..maximum`` (1 when absent; ``ValueError`` when it is not such a
    number)."""
    raw = query.get(name)
    if raw is None or raw == "":
        return 1
    value = bounded(raw, 1, maximum)
    if value is None:
        raise ValueError(f"The page number must be between 1 and {maximum:,}.")
    return value


def query_page(request: web.Request, name: str = "page", maximum: int = 100_000) -> int:
    """``?page=`` as ``1..maximum`` (1 when absent; 400 when it is not such a number)."""
    try:
        return page_number(request.query, name, maximum)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
