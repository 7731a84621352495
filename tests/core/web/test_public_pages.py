"""Plugin public pages: collected from the hook, 404 where the plugin is disabled, nav."""

from __future__ import annotations

from typing import Any

import jinja2

from core.db.models import GuildConfig
from core.plugins.contracts import PageRequest, PublicPage
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services import plugin_switches
from core.web.public_pages import collect
from tests.core.web.support import WebEnv


async def _render(request: PageRequest) -> dict[str, Any]:
    return {}


class Contributor:
    """A plugin offering the given pages."""

    def __init__(self, *pages: PublicPage) -> None:
        self.pages = list(pages)

    @hookimpl
    def guildhall_web_public_pages(self) -> list[PublicPage]:
        """The pages."""
        return self.pages


def test_collect_keeps_valid_unique_slugs_and_compilable_templates() -> None:
    plugins = PluginManager(Settings())
    plugins.register("first", Contributor(PublicPage("welcome", "W", "<p>hi</p>", _render),
                                          PublicPage("Bad Slug", "B", "", _render),
                                          PublicPage("broken", "B", "{% if %}", _render)))
    plugins.register("second", Contributor(PublicPage("welcome", "W2", "", _render),
                                           PublicPage("rules-2", "R", "{{ x }}", _render)))
    found = collect(plugins, plugins.settings, jinja2.Environment(autoescape=True))
    assert {slug: p.plugin for slug, p in found.items()} == {"welcome": "first",
                                                            "rules-2": "second"}


async def test_page_of_a_plugin_disabled_for_the_guild_is_404_and_leaves_the_nav(
    web_env: WebEnv,
) -> None:
    guild = web_env.guild_id
    await GuildConfig.filter(guild_id=guild).update(public_pages=True)
    board = await (await web_env.client.get(f"/g/{guild}/leaderboard")).text()
    assert "<strong>Leaderboard</strong>" in board and f'href="/g/{guild}/stats"' in board
    assert (await web_env.client.get(f"/g/{guild}/nothing-here")).status == 404
    await plugin_switches.set_enabled(guild, "analytics", False, actor_id=1, source="web",
                                      known=["analytics"])
    assert (await web_env.client.get(f"/g/{guild}/stats")).status == 404
    board = await (await web_env.client.get(f"/g/{guild}/leaderboard")).text()
    assert f'href="/g/{guild}/stats"' not in board
    bad = await web_env.client.get(f"/g/{guild}/leaderboard", params={"before": "x"})
    assert bad.status == 400 and "That page link is not valid." in await bad.text()
