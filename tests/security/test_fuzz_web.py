"""A hypothesis fuzz of every dashboard route's path and query (and a hostile form).

The routes come from the application's router, so a route added later is fuzzed too.
Each example sends one request, anonymous or as the logged-in admin of the demo guild,
with path parts and query values drawn from hostile numbers (``²``, 2**63, negative,
padded, decimal...), the demo's real ids and free text. No answer may be a 500 and no
ERROR record may be logged: bad input gets a 4xx with a clear message.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from tests.core.web.conftest import web_env
from tests.core.web.support import WebEnv
from tests.security.hostile import fuzz_settings

__all__ = ["web_env"]
FUZZ = fuzz_settings(150)
PLACEHOLDER = re.compile(r"\{([^}]+)\}")
QUERY_NAMES = ["page", "member", "me", "after", "before", "from", "days", "done", "next",
               "code", "state", "error"]
FORM_NAMES = ["action", "channel_id", "role_id", "level", "log_channel_id", "mute_role_id",
              "prefix", "name", "response", "plugin_leveling"]
HOSTILE_NUMBERS = ["\u00b2", "\u0663", "\uff11", "99999999999999999999", str(2**63),
                   str(2**63 - 1), str(2**64), "0", "-1", "+1", " 1", "1 ", "1.5", "1e3",
                   "0x10", "", "%", "%00", "1.99999999999999999999.1",
                   "99999999999999999999.1.1", "1.1.99999999999999999999", "/", "..",
                   "leaderboard", "stats", "commands", "general", "leveling", "1" * 400]


@pytest.fixture
def web_options() -> dict[str, object]:
    """Login limits out of the way: the fuzz logs in again after it hits ``/logout``."""
    return {"login_per_address": 10_000, "login_total": 100_000}


def routes(app: web.Application) -> list[tuple[str, str]]:
    """Every ``(method, path pattern)`` the dashboard serves (static files as one)."""
    found = []
    for resource in app.router.resources():
        info = resource.get_info()
        pattern = info.get("formatter") or info.get("path") or (
            info["prefix"] + "/{filename}" if "prefix" in info else None)
        if pattern is None:
            continue
        for route in resource:
            if route.method != "HEAD":
                found.append((route.method, pattern))
    return sorted(set(found))


def values(real_ids: list[str]) -> st.SearchStrategy[str]:
    """A path part or query value: hostile numbers, real ids, free text."""
    return st.one_of(st.sampled_from(HOSTILE_NUMBERS), st.sampled_from(real_ids),
                     st.text(max_size=30))


@FUZZ
@given(data=st.data())
async def test_no_route_answers_500_or_logs_an_error(
    web_env: WebEnv, data: st.DataObject, caplog: pytest.LogCaptureFixture
) -> None:
    env = web_env
    if "gh_session" not in {c.key for c in env.client.session.cookie_jar}:
        await env.login(env.demo.admin.id)
    csrf = await env.csrf(f"/dashboard/{env.guild_id}")
    table = routes(env.client.server.app)
    assert len(table) >= 10 and ("GET", "/g/{guild_id}/{slug}") in table
    real = [str(env.guild_id), str(env.demo.general.id), str(env.demo.admin.id), "1.1.1"]
    method, pattern = data.draw(st.sampled_from(table), label="route")
    parts = {name: data.draw(values(real), label=name) for name in PLACEHOLDER.findall(pattern)}
    path = PLACEHOLDER.sub(lambda m: quote(parts[m.group(1)], safe=""), pattern)
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), values(real), max_size=3),
                      label="query")
    url = env.client.make_url("").join(URL(path, encoded=True)).with_query(query)
    form = {"csrf": csrf, **data.draw(st.dictionaries(
        st.sampled_from(FORM_NAMES), values(real), max_size=3), label="form")}
    anonymous = data.draw(st.booleans(), label="anonymous")
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        if anonymous:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as browser, \
                    browser.request(method, url, data=form, allow_redirects=False) as answer:
                status, text = answer.status, await answer.text()
        else:
            answer = await env.client.session.request(method, url, data=form,
                                                      allow_redirects=False)
            status, text = answer.status, await answer.text()
    assert status < 500 or status in (502, 503), (method, str(url), status, text[:300])
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, (method, str(url), errors)
