"""Helpers for dashboard tests: log in through the double's OAuth2, read CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.test_utils import TestClient

from core.runtime.config import Settings
from core.testing.double import DiscordDouble
from core.testing.sandbox.world import DemoWorld

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class WebEnv:
    """A dashboard app under test, the double it logs in through, the demo world."""

    client: TestClient
    double: DiscordDouble
    demo: DemoWorld
    settings: Settings

    @property
    def guild_id(self) -> int:
        """The demo guild."""
        return self.demo.guild.id

    async def login(self, user_id: int, next_path: str = "/dashboard") -> aiohttp.ClientResponse:
        """Log in as ``user_id`` (login -> double's authorize -> callback); the final answer."""
        self.double.oauth.login_as = user_id
        start = await self.client.get("/login", params={"next": next_path},
                                      allow_redirects=False)
        assert start.status == 302, await start.text()
        async with aiohttp.ClientSession() as browser, browser.get(
            start.headers["Location"], allow_redirects=False
        ) as authorize:
            assert authorize.status == 302, await authorize.text()
            back = urlsplit(authorize.headers["Location"])
        return await self.client.get(f"{back.path}?{back.query}", allow_redirects=False)

    async def csrf(self, path: str) -> str:
        """The CSRF token in the forms of the page at ``path``."""
        page = await self.client.get(path)
        assert page.status == 200, await page.text()
        found = CSRF.search(await page.text())
        assert found, "no CSRF field on the page"
        return found.group(1)
