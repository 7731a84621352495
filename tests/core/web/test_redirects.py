"""After login the browser goes back to a path on this site, never to another site."""

from __future__ import annotations

import pytest
from yarl import URL

from core.web.redirects import DEFAULT_TARGET, safe_next
from tests.core.web.support import WebEnv

HOSTILE = [
    "/\t/evil.example/x", "/\r/evil.example", "/\n/evil.example", "/\t\t//evil.example",
    "\t//evil.example", "/%09/evil.example/x", "/%0d/evil.example", "/%0A/evil.example",
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "%2F%2Fevil.example",
    "/%2F%2Fevil.example", "/%2Fevil.example", "https://evil.example", "http:evil.example",
    "HTTPS://evil.example/", "javascript:alert(1)", " /dashboard", "/\u00a0/evil.example",
    "/\u2028/evil.example", "/\u3000/evil.example", "/\u200b/evil.example",
    "/%E2%80%A8/evil.example", "/\x00/evil.example", "/%00", "/\x7f/evil.example",
    "evil.example", "", None, "/" + "a" * 600,
]
LOCAL = ["/dashboard", "/dashboard/123/commands?page=2", "/g/1/leaderboard?after=1.2.3#top",
         "/status"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back_to_the_guild_list(target: str | None) -> None:
    assert safe_next(target) == DEFAULT_TARGET


@pytest.mark.parametrize("target", LOCAL)
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/\t/evil.example/x", "/%09/evil.example/x",
                                    "/\\evil.example", "//evil.example"])
async def test_login_never_ends_on_another_site(web_env: WebEnv, target: str) -> None:
    done = await web_env.login(web_env.demo.admin.id, next_path=target)
    assert done.status == 302
    location = URL(done.headers["Location"])
    assert location.host is None and not location.scheme
    assert done.headers["Location"] == DEFAULT_TARGET
