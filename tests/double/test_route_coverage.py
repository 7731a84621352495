"""Every Discord REST route guildhall's code can reach is served by the double and documented.

The list is static: the disnake calls guildhall makes (``bot.http.<method>`` and the
high-level calls that end in one HTTPClient method), mapped to routes by reading the
``Route(...)`` in disnake's own HTTPClient source, the ``Route(...)`` guildhall builds itself
for ``bot.http.request``, plus the literal paths the dashboard asks the API for. Unserved
routes are answered 404 as Discord does and recorded ``unserved``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import disnake.http
import pytest

from core.testing.double import DiscordDouble
from core.testing.double.contract import contract, shape
from core.testing.double.route_usage import UNSERVED, served_routes

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "plugins", "cluster")
_ROUTE_RX = re.compile(r'Route\(\s*"(\w+)",\s*"([^"]+)"')
_HTTP_CALL_RX = re.compile(r"\.http\.([a-z_]+)\(")
_WEB_PATH_RX = re.compile(r'(?:bot_get|bot_call|_call)\((?:"(\w+)",\s*)?f?"(/[^"]+)"')

# a call as it appears in guildhall's code -> the disnake HTTPClient methods it ends in
HIGH_LEVEL: dict[str, tuple[str, ...]] = {
    r"\.send\(": ("send_message", "send_files", "start_private_message"),
    r"\.followup\.send\(": ("create_followup_message",),
    r"\.response\.send_message\(": ("create_interaction_response",),
    r"\.response\.edit_message\(": ("create_interaction_response",),
    r"\.response\.defer\(": ("create_interaction_response",),
    r"\.autocomplete\(": ("create_interaction_response",),
    r"\.original_response\(": ("get_original_interaction_response",),
    r"\.edit_original_response\(": ("edit_original_interaction_response",),
    r"\.edit_message\(": ("edit_message",),
    r"\.add_roles\(": ("add_role",),
    r"\.remove_roles\(": ("remove_role",),
    r"\.ban\(": ("ban",),
    r"\.unban\(": ("unban",),
    r"\.kick\(": ("kick",),
    r"member\.timeout\(": ("edit_member",),
    r"\.edit_member\(": ("edit_member",),
    r"\.create_dm\(": ("start_private_message",),
    r"\.fetch_user\(": ("get_user",),
    r"\.fetch_member\(": ("get_member",),
    r"\.fetch_message\(": ("get_message",),
    r"\.fetch_channel\(": ("get_channel",),
    r"\.fetch_guild\(": ("get_guild",),
    r"\.fetch_ban\(": ("get_ban",),
    r"\.delete_message\(": ("delete_message",),
}
# what disnake itself calls for every bot: login, gateway, command sync, guild leave
DISNAKE_ITSELF = (
    "static_login", "get_bot_gateway", "application_info", "get_global_commands",
    "get_guild_commands", "bulk_upsert_global_commands", "bulk_upsert_guild_commands",
    "leave_guild",
)


def _source() -> str:
    return "\n".join(
        path.read_text()
        for top in SOURCES
        for path in sorted((ROOT / top).rglob("*.py"))
        if "testing" not in path.relative_to(ROOT).parts
    )


def _routes_of(method_name: str) -> list[tuple[str, str]]:
    fn = getattr(disnake.http.HTTPClient, method_name)
    found = _ROUTE_RX.findall(inspect.getsource(fn))
    assert found, f"disnake HTTPClient.{method_name} names no Route"
    return found


def guildhall_routes() -> dict[tuple[str, str], str]:
    """``(METHOD, shape)`` -> why guildhall can reach it."""
    src = _source()
    reach: dict[tuple[str, str], str] = {}
    names: dict[str, str] = {name: f"bot.http.{name}" for name in _HTTP_CALL_RX.findall(src)}
    names.pop("request", None)  # bot.http.request(Route(...)): its Route is read below
    for pattern, methods in HIGH_LEVEL.items():
        if re.search(pattern, src):
            names.update({m: pattern for m in methods})
    names.update({m: "disnake itself" for m in DISNAKE_ITSELF})
    for name, why in names.items():
        for method, route in _routes_of(name):
            reach[(method, shape(route))] = why
    for method, route in _ROUTE_RX.findall(src):  # routes guildhall builds itself
        reach[(method, shape(route))] = "Route(...) in guildhall"
    for method, path in _WEB_PATH_RX.findall(src):
        template = re.sub(r"\{[^}]+\}", "{}", path.replace("{app['id']}", "{application_id}"))
        reach[(method or "GET", template)] = "dashboard"
    return reach


def test_every_high_level_call_in_the_table_is_still_used() -> None:
    src = _source()
    stale = [pattern for pattern in HIGH_LEVEL if not re.search(pattern, src)]
    assert len(stale) < len(HIGH_LEVEL)  # the scan reads guildhall's code at all
    assert "send_message" in {n for n in _HTTP_CALL_RX.findall(src)}


def test_every_route_guildhall_can_reach_is_served_and_documented() -> None:
    reach = guildhall_routes()
    served = {(m, shape(r)) for m, r in served_routes()}
    lacking = sorted(f"{m} {r} ({why})" for (m, r), why in reach.items() if (m, r) not in served)
    undocumented = sorted(
        f"{m} {r}" for m, r in reach if contract().operation(m, r) is None and r != "/oauth2/token"
    )
    assert len(reach) >= 25, sorted(reach)
    assert lacking == [], lacking
    assert undocumented == [], undocumented


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    d = DiscordDouble()
    await d.start()
    try:
        yield d
    finally:
        await d.close()


async def test_unserved_route_is_answered_404_and_recorded(double: DiscordDouble) -> None:
    headers = {"Authorization": f"Bot {double.config.token}"}
    before = dict(UNSERVED)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{double.api_base}/channels/123/webhooks", headers=headers
            ) as resp:
                assert resp.status == 404
                assert await resp.json() == {"message": "404: Not Found", "code": 0}
            async with http.post(f"{double.api_base}/no/such/route", headers=headers) as resp:
                assert resp.status == 404
        recs = [r for r in double.requests if r.unserved]
        assert [(r.method, r.route, r.status) for r in recs] == [
            ("GET", "/channels/{channel_id}/webhooks", 404),
            ("POST", "/no/such/route", 404),
        ]
        assert UNSERVED[("GET", "/channels/{channel_id}/webhooks")] >= 1
    finally:
        UNSERVED.clear()
        UNSERVED.update(before)
