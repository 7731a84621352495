"""The bot's memory profile (``[bot] profile``): which caches and intents disnake gets.

``default`` keeps disnake's defaults: every non-privileged intent (plus members and message
content as ``[discord]`` allows), every member cached, guilds chunked at start, the last
1,000 messages. ``large`` is for bots in thousands of guilds: members are not cached (a
handler gets the member its event carries; code that needs another fetches it), guilds
are not chunked, the message cache is small, and Discord sends only the events of the
intents core and the enabled plugins declare (``guildhall_intents``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import disnake

from core.plugins.manager import PluginError, PluginManager
from core.runtime.config import Settings

LARGE_MAX_MESSAGES = 100
# what core itself listens to: the guild list, messages (prefix commands, the hot path)
CORE_INTENTS = ("guilds", "guild_messages", "dm_messages", "message_content")


def build_intents(settings: Settings) -> disnake.Intents:
    """Default intents plus members and message content as configured."""
    intents = disnake.Intents.default()
    intents.members = settings.discord.members_intent
    intents.message_content = settings.discord.message_content_intent
    return intents


def plugin_intents(plugins: PluginManager) -> dict[str, list[str]]:
    """``{plugin: intent names}`` from each enabled plugin's ``guildhall_intents``."""
    wanted = {}
    for name in plugins.enabled:
        names = plugins.first_result(
            name, "guildhall_intents", settings=plugins.plugin_settings[name]) or []
        unknown = [n for n in names if n not in disnake.Intents.VALID_FLAGS]
        if unknown:
            raise PluginError(
                f"plugin {name!r} asks for unknown intents {', '.join(map(repr, unknown))}; "
                "use disnake.Intents flag names such as 'guild_messages' or 'members'")
        wanted[name] = list(names)
    return wanted


def trimmed_intents(settings: Settings, names: Iterable[str]) -> disnake.Intents:
    """Exactly ``names`` plus core's, privileged ones only where ``[discord]`` allows."""
    intents = disnake.Intents.none()
    for name in {*CORE_INTENTS, *names}:
        setattr(intents, name, True)
    intents.members = intents.members and settings.discord.members_intent
    intents.message_content = (
        intents.message_content and settings.discord.message_content_intent)
    intents.presences = False  # never needed by guildhall; costly at scale
    return intents


def client_options(settings: Settings, plugins: PluginManager) -> dict[str, Any]:
    """The disnake client options of the configured profile (empty for ``default``,
    apart from the intents)."""
    if settings.bot.profile == "default":
        return {"intents": build_intents(settings)}
    names = [n for wanted in plugin_intents(plugins).values() for n in wanted]
    return {
        "intents": trimmed_intents(settings, names),
        "member_cache_flags": disnake.MemberCacheFlags.none(),
        "chunk_guilds_at_startup": False,
        "max_messages": LARGE_MAX_MESSAGES,
    }
