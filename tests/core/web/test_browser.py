"""In a real headless Chromium (Debian's package, driven by Playwright): log in through
the double's OAuth2 page, change the prefix on the settings page, see the bot answer the
new prefix in the double, open the public leaderboard. Screenshots go to ``tmp_path``, or
to ``docs/screenshots/`` with ``GUILDHALL_UPDATE_SCREENSHOTS=1`` (docs/dashboard.md's pictures).

Runs on both engines (SQLite with its local bus, PostgreSQL with the Redis bus).
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, async_playwright

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig, GuildMember, User
from core.runtime.assembly import Runtime
from core.services import xp
from core.testing.bot_fixtures import channel_reply
from core.testing.double import DiscordDouble
from core.testing.sandbox.session import settings_for_double
from core.testing.sandbox.world import DemoWorld
from core.web.app import create_app
from tests.core.web.conftest import web_settings_for
from tests.helpers import ROOT

CHROMIUM = "/usr/bin/chromium"
NAMES = ["alice", "bob", "carol", "admin", "dora", "emil", "fatima", "gus", "hana", "ivo",
         "jun", "kira", "lena", "milo", "nora", "otto"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def served(
    guildhall_db: Runtime, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld
) -> AsyncIterator[str]:
    """The dashboard on a real port, its public_url pointing there."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings_for_double(guildhall_db.settings, guildhall_double)
    settings = settings.model_copy(update={"web": web_settings_for(
        guildhall_double, public_url=base)})
    server = TestServer(create_app(Runtime(settings, guildhall_db.plugins)),
                        host="127.0.0.1", port=port)
    await server.start_server()
    try:
        yield base
    finally:
        await server.close()


async def _demo_members(demo: DemoWorld) -> None:
    people = {m.user.username: m.id for m in demo.people.values()}
    for i, name in enumerate(NAMES):
        user_id = people.get(name, 9_000 + i)
        total = 40_000 // (i + 1) + 137 * i
        await User.update_or_create(user_id=user_id, defaults={"username": name})
        await GuildMember.create(user_id=user_id, guild_id=demo.guild.id, xp=total,
                                 level=xp.level_for_xp(total), coins=5_000 // (i + 2))


def _shots() -> Path | None:
    return ROOT / "docs" / "screenshots" if os.environ.get("GUILDHALL_UPDATE_SCREENSHOTS") \
        else None


async def _shoot(page: Page, name: str, tmp_path: Path) -> None:
    target = _shots() or tmp_path
    target.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(target / name), full_page=True)
    assert (target / name).stat().st_size > 10_000


async def test_login_change_prefix_bot_answers_leaderboard(
    served: str, guildhall_bot: GuildhallBot, guildhall_double: DiscordDouble,
    guildhall_demo: DemoWorld, tmp_path: Path,
) -> None:
    guild, general = guildhall_demo.guild, guildhall_demo.general
    await GuildConfig.get_or_create(guild_id=guild.id)
    await _demo_members(guildhall_demo)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.goto(f"{served}/dashboard/{guild.id}")
            await page.get_by_role("button", name="Authorize as admin").click()
            await page.wait_for_url(f"{served}/dashboard/{guild.id}")
            await page.fill("#prefix", "?!")
            await page.check("#public_pages")
            await page.locator("form[action$='/general'] button[type=submit]").click()
            await page.wait_for_url(f"**/dashboard/{guild.id}?done=general")
            assert await page.get_by_role("status").inner_text() == "Server settings saved."
            await _shoot(page, "settings.png", tmp_path)

            await guildhall_double.send_message(general, guildhall_demo.member, "?!ping")
            reply = await channel_reply(guildhall_double, general)
            assert reply.content.startswith("Pong!")

            await page.goto(f"{served}/g/{guild.id}/leaderboard")
            rows = page.locator("section.board tbody tr")
            assert await rows.count() == len(NAMES)
            assert "alice" in await rows.first.inner_text()
            await _shoot(page, "leaderboard.png", tmp_path)
        finally:
            await browser.close()
