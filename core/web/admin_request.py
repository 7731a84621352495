"""The :class:`~core.plugins.contracts.GuildRequest` core hands a plugin's list action,
page or server fields: an authorised admin request of one guild."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from core.services.guild_config import GuildConfigService
from core.services.guild_facts import ActorFacts
from core.web import guild_objects
from core.web.command_names import reserved_names
from core.web.context import WebContext, ctx
from core.web.guards import AdminGuild
from core.web.guild_objects import GuildObjects


class AdminRequest:
    """One request of ``admin``'s guild, its form (``{}`` for a GET) and lazy Discord facts."""

    def __init__(self, request: web.Request, admin: AdminGuild,
                 form: Mapping[str, Any] | None = None,
                 objects: GuildObjects | None = None) -> None:
        self._context: WebContext = ctx(request)
        self._objects = objects
        self.guild_id = admin.id
        self.actor_id = admin.session.user_id
        self.form: Mapping[str, Any] = form if form is not None else {}
        self.query: Mapping[str, str] = request.query
        self.guild_configs: GuildConfigService = self._context.guild_configs

    async def guild(self) -> GuildObjects:
        """The guild's channels and roles (read from Discord once per request)."""
        if self._objects is None:
            self._objects = await guild_objects.load(self._context, self.guild_id)
        return self._objects

    async def actor(self) -> ActorFacts:
        """The user's standing in the guild now."""
        return await guild_objects.actor(self._context, self.guild_id, self.actor_id)

    async def command_names(self) -> set[str]:
        """The bot's slash command names and its prefix commands."""
        return await reserved_names(self._context)
