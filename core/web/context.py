"""What every dashboard handler needs, stored once on the application."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from core.plugins.manager import PluginManager
from core.runtime.config import Settings
from core.services.guild_config import GuildConfigService
from core.web.discord_api import DiscordApi, DiscordApiError
from core.web.login_limits import LoginLimits
from core.web.looks import GuildLook, guild_look

log = logging.getLogger(__name__)


@dataclass
class WebContext:
    """Settings, plugins, the Discord client, the guild settings service and short caches.

    The caches only save Discord calls (bot-token answers, each for its own ``ttl``);
    nothing a request depends on for correctness lives only in this process.
    """

    settings: Settings
    plugins: PluginManager
    api: DiscordApi
    guild_configs: GuildConfigService
    login_limits: LoginLimits
    _bot_answers: dict[str, tuple[float, Any]] = field(default_factory=dict)
    _titles: dict[str, str] | None = None

    @property
    def enabled_plugins(self) -> list[str]:
        """Plugins loaded in this deployment."""
        return list(self.settings.plugins.enabled)

    def settings_models(self) -> dict[str, type[BaseModel]]:
        """Each loaded plugin's settings model (for labels), by plugin name."""
        return {name: type(model) for name, model in self.plugins.plugin_settings.items()
                if model is not None}

    def plugin_titles(self) -> dict[str, str]:
        """Each loaded plugin's name as people read it: its help title ("Custom commands"),
        else its name capitalised."""
        if self._titles is None:
            titles = {}
            for name in self.enabled_plugins:
                try:
                    described = self.plugins.first_result(
                        name, "guildhall_help", settings=self.plugins.plugin_settings.get(name))
                except Exception:
                    log.exception("plugin %s failed in guildhall_help", name)
                    described = None
                title = getattr(described, "title", "")
                titles[name] = title if isinstance(title, str) and title else name.capitalize()
            self._titles = titles
        return self._titles

    def redirect_uri(self) -> str:
        """The OAuth2 redirect registered in the Developer Portal."""
        return self.settings.web.base_url() + "/auth/callback"

    async def bot_get(self, path: str, ttl: float = 30.0) -> Any:
        """``GET path`` with the bot's token, reused for ``ttl`` seconds."""
        cached = self._bot_answers.get(path)
        now = time.monotonic()
        if cached is not None and now - cached[0] < ttl:
            return cached[1]
        data = await self.api.bot_call(path)
        if len(self._bot_answers) > 10_000:
            self._bot_answers.clear()
        self._bot_answers[path] = (now, data)
        return data

    async def guild_look(self, guild_id: int) -> GuildLook:
        """The guild's name and icon from Discord, reused for ten minutes (a generic
        name and no icon when Discord cannot say)."""
        try:
            guild = await self.bot_get(f"/guilds/{guild_id}", ttl=600.0)
        except DiscordApiError:
            guild = {}
        return guild_look(guild_id, guild.get("name"), guild.get("icon"))


CONTEXT = web.AppKey("guildhall_web", WebContext)


def ctx(request: web.Request) -> WebContext:
    """The :class:`WebContext` of the request's application."""
    return request.app[CONTEXT]
