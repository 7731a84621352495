"""In a real headless Chromium (Debian's package, driven by Playwright): log in through
the double's OAuth2 page, change the prefix on the settings page, see the bot answer the
new prefix in the double, open the public leaderboard with the server's icon and the
members' avatars, see the currency symbol drawn (not a missing-glyph box), browse the
moderation cases as a moderator. Screenshots go to ``tmp_path``, or to
``docs/screenshots/`` with ``GUILDHALL_UPDATE_SCREENSHOTS=1`` (docs/dashboard.md's pictures).

Discord's CDN is not reachable from a test: the browser's requests to
``https://cdn.discordapp.com`` are answered by :func:`_cdn` with a small picture, so an
image that loads also proves the Content-Security-Policy let the browser ask for it.

Runs on both engines (SQLite with its local bus, PostgreSQL with the Redis bus).
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Page, Route, async_playwright

from core.bot.guildhall_bot import GuildhallBot
from core.db.models import GuildConfig, GuildMember, User
from core.runtime.assembly import Runtime
from core.services import xp
from core.testing.bot_fixtures import channel_reply
from core.testing.double import DiscordDouble, permissions
from core.testing.sandbox.session import settings_for_double
from core.testing.sandbox.world import DemoWorld
from core.web.app import create_app
from plugins.moderation import cases
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


HUES = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#9b59b6", "#1abc9c", "#e67e22"]


async def _cdn(route: Route) -> None:
    """Discord's CDN, as the test's stand-in: a coloured picture per address."""
    hue = HUES[sum(route.request.url.encode()) % len(HUES)]
    await route.fulfill(content_type="image/svg+xml", body=(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" fill="{hue}"/><circle cx="32" cy="26" r="12" '
        'fill="#fff"/><ellipse cx="32" cy="58" rx="22" ry="16" fill="#fff"/></svg>'))


async def _demo_members(demo: DemoWorld) -> None:
    people = {m.user.username: m.id for m in demo.people.values()}
    for i, name in enumerate(NAMES):
        user_id = people.get(name, 9_000 + i)
        total = 40_000 // (i + 1) + 137 * i
        await User.update_or_create(user_id=user_id, defaults={
            "username": name, "display_name": name.capitalize() if i % 3 else None,
            "avatar": f"{i:032x}" if i % 2 == 0 else None})
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
    guild.icon = "ab" * 16
    await GuildConfig.get_or_create(guild_id=guild.id)
    await _demo_members(guildhall_demo)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.route("https://cdn.discordapp.com/**", _cdn)
            await page.goto(f"{served}/dashboard/{guild.id}")
            await page.get_by_role("button", name="Authorize as admin").click()
            await page.wait_for_url(f"{served}/dashboard/{guild.id}")
            await page.fill("#prefix", "?!")
            await page.check("#public_pages")
            await page.locator("form[action$='/general'] button[type=submit]").click()
            await page.wait_for_url(f"**/dashboard/{guild.id}?done=general")
            assert await page.get_by_role("status").inner_text() == "Server settings saved."
            assert await page.locator("h1.server").inner_text() == guild.name
            assert await _loaded(page, "h1.server img.server-icon") == 1
            await _symbol_is_drawn(page)
            await _shoot(page, "settings.png", tmp_path)

            await guildhall_double.send_message(general, guildhall_demo.member, "?!ping")
            reply = await channel_reply(guildhall_double, general)
            assert reply.content.startswith("Pong!")

            await page.goto(f"{served}/g/{guild.id}/leaderboard")
            rows = page.locator("section.board tbody tr")
            assert await rows.count() == len(NAMES)
            assert "alice" in await rows.first.inner_text()
            assert "Bob" in await rows.nth(1).inner_text()  # the display name
            assert await page.title() == f"Leaderboard · {guild.name} · guildhall"
            assert await _loaded(page, "section.board img.avatar") == len(NAMES)
            await _shoot(page, "leaderboard.png", tmp_path)
        finally:
            await browser.close()


async def _loaded(page: Page, selector: str) -> int:
    """How many images matching ``selector`` loaded (a blocked or broken one has no size)."""
    return int(await page.eval_on_selector_all(
        selector, "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length"))


async def _symbol_is_drawn(page: Page) -> None:
    """The currency symbol (the coin, U+1FA99, which the machine's fonts lack) shows as the
    dashboard's picture, gold in the middle, where the text would be a hollow box."""
    symbol = page.locator("table.settings img.symbol")
    assert await symbol.count() == 1
    assert await symbol.get_attribute("alt") == "\N{COIN}"
    red, green, blue, alpha = await symbol.evaluate("""img => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 32;
        const g = canvas.getContext("2d");
        g.drawImage(img, 0, 0, 32, 32);
        return Array.from(g.getImageData(20, 20, 1, 1).data);
    }""")
    assert alpha == 255 and red > 200 and 150 < green < 220 and blue < 120  # gold
    box = await symbol.bounding_box()
    assert box is not None and box["width"] >= 12 and box["height"] >= 12


async def test_moderator_browses_cases(
    served: str, guildhall_double: DiscordDouble, guildhall_demo: DemoWorld, tmp_path: Path,
) -> None:
    guild, admin = guildhall_demo.guild, guildhall_demo.admin
    guild.icon = "ab" * 16
    guildhall_double.set_role_permissions(guild, guildhall_demo.admin_role, (
        permissions.DEFAULT_EVERYONE | permissions.MANAGE_GUILD | permissions.MODERATE_MEMBERS))
    await GuildConfig.get_or_create(guild_id=guild.id)
    await _demo_members(guildhall_demo)
    people = [guildhall_demo.person(name).id for name in ("alice", "bob", "carol")]
    reasons = ["spamming links", "shouting in #general", "raid", "slurs", "ban evasion"]
    kinds = ["warn", "mute", "ban", "warn", "kick"]
    for i, (kind, reason) in enumerate(zip(kinds * 2, reasons * 2, strict=True)):
        await cases.record_action(guild.id, admin.id, people[i % 3], kind, reason,
                                  3600 if kind == "mute" else None)
    await cases.amend(guild.id, 1, admin.id, "spamming links in three channels")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.route("https://cdn.discordapp.com/**", _cdn)
            await page.goto(f"{served}/dashboard/{guild.id}/cases")
            await page.get_by_role("button", name="Authorize as admin").click()
            await page.wait_for_url(f"{served}/dashboard/{guild.id}/cases")
            rows = page.locator("tr.case")
            assert await rows.count() == 10
            await page.select_option("select[name=action]", "warn")
            await page.get_by_role("button", name="Filter").click()
            await page.wait_for_url("**action=warn**")
            assert await rows.count() == 4
            first_case = rows.last
            assert "spamming links in three channels" in await first_case.inner_text()
            assert await _loaded(page, "tr.case img.avatar") == 8
            await _shoot(page, "cases.png", tmp_path)
        finally:
            await browser.close()
