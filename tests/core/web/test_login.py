"""Discord login: state checked, session cookie flags, logout with CSRF, expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp

from core.db.models import WebSession
from tests.core.web.support import WebEnv


async def test_login_creates_a_session_with_safe_cookie(web_env: WebEnv) -> None:
    start = await web_env.client.get("/login", allow_redirects=False)
    target = urlsplit(start.headers["Location"])
    query = parse_qs(target.query)
    assert target.path == "/oauth2/authorize"
    assert query["scope"] == ["identify guilds"] and query["response_type"] == ["code"]
    assert query["client_id"] == [str(web_env.double.application_id)]
    assert "HttpOnly" in start.headers["Set-Cookie"]

    done = await web_env.login(web_env.demo.admin.id, next_path="/dashboard")
    assert done.status == 302 and done.headers["Location"] == "/dashboard"
    cookie = done.headers.getall("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith("gh_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # public_url is not https here
    row = await WebSession.get(user_id=web_env.demo.admin.id)
    token = session_cookie.split(";")[0].split("=", 1)[1]
    assert row.id != token and len(row.id) == 64  # only the hash is stored

    page = await web_env.client.get("/dashboard")
    assert page.status == 200
    assert "Guildhall Demo" in await page.text()


async def test_state_mismatch_is_rejected(web_env: WebEnv) -> None:
    web_env.double.oauth.login_as = web_env.demo.admin.id
    start = await web_env.client.get("/login", allow_redirects=False)
    async with aiohttp.ClientSession() as browser, browser.get(
        start.headers["Location"], allow_redirects=False
    ) as authorize:
        back = urlsplit(authorize.headers["Location"])
    code = parse_qs(back.query)["code"][0]
    forged = await web_env.client.get(
        "/auth/callback", params={"code": code, "state": "attacker-state"},
        allow_redirects=False,
    )
    assert forged.status == 400
    assert "state mismatch" in await forged.text()
    web_env.client.session.cookie_jar.clear()
    no_cookie = await web_env.client.get(f"{back.path}?{back.query}", allow_redirects=False)
    assert no_cookie.status == 400
    assert await WebSession.all().count() == 0
    assert web_env.double.oauth.exchanges == 0  # the code was never even exchanged


async def test_logout_needs_csrf_and_ends_the_session(web_env: WebEnv) -> None:
    await web_env.login(web_env.demo.admin.id)
    refused = await web_env.client.post("/logout", data={"csrf": "forged"},
                                        allow_redirects=False)
    assert refused.status == 403
    assert await WebSession.all().count() == 1
    csrf = await web_env.csrf("/dashboard")
    out = await web_env.client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 302
    assert await WebSession.all().count() == 0
    again = await web_env.client.get("/dashboard", allow_redirects=False)
    assert again.status == 302 and again.headers["Location"].startswith("/login?next=")


async def test_expired_sessions_are_refused_and_cleaned(web_env: WebEnv) -> None:
    from datetime import timedelta

    from tortoise import timezone

    from core.maintenance.engine import MaintenanceEngine
    from core.runtime.assembly import Runtime
    from core.web import sessions

    await web_env.login(web_env.demo.admin.id)
    live = await WebSession.get(user_id=web_env.demo.admin.id)
    token, _ = await sessions.create(web_env.demo.member.id, "alice", [], days=1)
    await WebSession.filter(id=sessions.token_hash(token)).update(
        expires_at=timezone.now() - timedelta(days=2))
    web_env.client.session.cookie_jar.clear()
    web_env.client.session.cookie_jar.update_cookies(
        {sessions.SESSION_COOKIE: token}, web_env.client.make_url("/"))
    refused = await web_env.client.get("/dashboard", allow_redirects=False)
    assert refused.status == 302 and refused.headers["Location"].startswith("/login")

    runtime = Runtime.from_settings(web_env.settings)
    reports = await MaintenanceEngine(web_env.settings, runtime.plugins).run_jobs(
        ["core.web_sessions.delete"])
    assert [(r.name, r.ok, r.rows) for r in reports] == [("core.web_sessions.delete", True, 1)]
    assert await WebSession.all().values_list("id", flat=True) == [live.id]


async def test_cookies_are_secure_behind_a_trusted_https_proxy(web_env: WebEnv) -> None:
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    plain = await web_env.client.get("/login", headers=proxied, allow_redirects=False)
    assert "Secure" not in plain.headers["Set-Cookie"]  # the header is not trusted by default
    web_env.settings.web.trust_forwarded_headers = True
    trusted = await web_env.client.get("/login", headers=proxied, allow_redirects=False)
    assert "Secure" in trusted.headers["Set-Cookie"]
    web_env.settings.web.trust_forwarded_headers = False
    web_env.settings.web.public_url = "https://bot.example.org"
    https = await web_env.client.get("/login", allow_redirects=False)
    assert "Secure" in https.headers["Set-Cookie"]
    assert "redirect_uri=https://bot.example.org/auth/callback" in https.headers["Location"]
