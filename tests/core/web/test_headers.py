"""Security headers and cookie names: HSTS and ``__Host-`` over https, plain http works."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.core.web.support import WebEnv

HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


@pytest.fixture
def web_options() -> dict[str, object]:
    return {"trust_forwarded_headers": True}


def cookies(response: aiohttp.ClientResponse) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie", []):
        jar.load(header)
    return jar


async def test_plain_http_has_frame_denial_and_plain_cookie_names(web_env: WebEnv) -> None:
    home = await web_env.client.get("/")
    assert home.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in home.headers
    start = await web_env.client.get("/login", allow_redirects=False)
    assert list(cookies(start)) == ["gh_oauth_state"]
    done = await web_env.login(web_env.demo.admin.id)
    assert "gh_session" in cookies(done) and not cookies(done)["gh_session"]["secure"]
    assert (await web_env.client.get("/dashboard")).status == 200  # local use keeps working


async def test_csp_allows_discords_cdn_for_images_only(web_env: WebEnv) -> None:
    policy = (await web_env.client.get("/")).headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["img-src"] == ["'self'", "data:", "https://cdn.discordapp.com"]
    others = [d for name, d in directives.items() if name != "img-src"]
    assert not any("cdn.discordapp.com" in source for sources in others for source in sources)
    assert directives["default-src"] == ["'none'"] and "script-src" not in directives


async def test_https_through_a_trusted_proxy(web_env: WebEnv) -> None:
    home = await web_env.client.get("/", headers=HTTPS)
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    assert home.headers["X-Frame-Options"] == "DENY"
    web_env.double.oauth.login_as = web_env.demo.admin.id
    start = await web_env.client.get("/login", headers=HTTPS, allow_redirects=False)
    state = cookies(start)["__Host-gh_oauth_state"]
    assert state["secure"] and state["path"] == "/" and not state["domain"]
    async with aiohttp.ClientSession() as browser, browser.get(
        start.headers["Location"], allow_redirects=False
    ) as authorize:
        back = urlsplit(authorize.headers["Location"])
    sent = {"Cookie": f"__Host-gh_oauth_state={state.value}", **HTTPS}
    web_env.client.session.cookie_jar.clear()
    done = await web_env.client.get(f"{back.path}?{back.query}", headers=sent,
                                    allow_redirects=False)
    assert done.status == 302, await done.text()
    session = cookies(done)["__Host-gh_session"]
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert done.headers["Strict-Transport-Security"]
    web_env.client.session.cookie_jar.clear()
    page = await web_env.client.get("/dashboard", allow_redirects=False, headers={
        "Cookie": f"__Host-gh_session={session.value}", **HTTPS})
    assert page.status == 200
    web_env.client.session.cookie_jar.clear()
    plain = await web_env.client.get("/dashboard", allow_redirects=False, headers={
        "Cookie": f"__Host-gh_session={session.value}"})
    assert plain.status == 302  # the https cookie name means nothing over plain http
