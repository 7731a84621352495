"""Login rate limits: per address and in total (429 + Retry-After, nothing sent to
Discord), and Discord's own 429 on the token exchange pauses every login."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from core.web.login_limits import LoginLimits
from tests.core.web.support import WebEnv

PER_ADDRESS = 5
TOTAL = 8


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limits_per_address_total_and_window() -> None:
    clock = FakeClock()
    limits = LoginLimits(per_address=2, total=3, window=60.0, clock=clock)
    assert limits.hit("a") is None and limits.hit("a") is None
    assert limits.hit("a") == 60  # the third from one address waits for the window
    assert limits.hit("b") is None
    assert limits.hit("c") == 60  # the total is used up
    clock.now += 60.0
    assert limits.hit("a") is None and limits.hit("c") is None
    assert limits.discord_refused(12.5) == 13
    assert limits.hit("d") == 13
    clock.now += 13.0
    assert limits.hit("d") is None


@pytest.fixture
def web_options() -> dict[str, object]:
    return {"login_per_address": PER_ADDRESS, "login_total": TOTAL,
            "trust_forwarded_headers": True}


def token_requests(env: WebEnv) -> int:
    """Token exchanges the double received (counted at the double)."""
    return sum(1 for r in env.double.requests if r.route == "/oauth2/token")


async def state_cookie(env: WebEnv, address: str) -> str:
    start = await env.client.get("/login", headers={"X-Forwarded-For": address},
                                 allow_redirects=False)
    assert start.status == 302
    jar: SimpleCookie = SimpleCookie()
    jar.load(start.headers["Set-Cookie"])
    return jar["gh_oauth_state"].value.split("|")[0]


async def test_junk_callbacks_are_limited_before_reaching_discord(web_env: WebEnv) -> None:
    state = await state_cookie(web_env, "198.51.100.1")  # one request of the address
    statuses = []
    for i in range(30):
        answer = await web_env.client.get(
            "/auth/callback", params={"state": state, "code": f"junk-{i}"},
            headers={"X-Forwarded-For": "198.51.100.1"}, allow_redirects=False)
        statuses.append(answer.status)
        if answer.status == 429:
            assert int(answer.headers["Retry-After"]) >= 1
            assert "Too many login attempts" in await answer.text()
    assert statuses.count(502) == PER_ADDRESS - 1  # Discord refused the junk codes
    assert statuses.count(429) == 30 - (PER_ADDRESS - 1)
    assert token_requests(web_env) == PER_ADDRESS - 1
    # other addresses share the total: TOTAL requests in all, then everyone waits
    for i in range(10):
        await web_env.client.get("/auth/callback", params={"state": state, "code": f"x{i}"},
                                 headers={"X-Forwarded-For": f"203.0.113.{i}"},
                                 allow_redirects=False)
    assert token_requests(web_env) == TOTAL - 1


async def test_discord_429_on_the_exchange_pauses_logins(web_env: WebEnv) -> None:
    web_env.double.faults.rate_limit("/oauth2/token", "POST", times=1, retry_after=30.0)
    refused = await web_env.login(web_env.demo.admin.id)
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "30"
    assert "Discord is limiting logins" in await refused.text()
    assert token_requests(web_env) == 1
    again = await web_env.client.get("/login", allow_redirects=False)
    assert again.status == 429 and int(again.headers["Retry-After"]) <= 30
    assert token_requests(web_env) == 1  # nobody hammers Discord while it asked to wait
