"""``[bot] profile``: what each profile hands to disnake, and the plugins' intents."""

from __future__ import annotations

import disnake
import pytest

from core.bot.guildhall_bot import GuildhallBot
from core.bot.profile import LARGE_MAX_MESSAGES, client_options, plugin_intents
from core.plugins.api import hookimpl
from core.plugins.manager import PluginError, PluginManager
from core.runtime.config import Settings
from core.testing.bot_fixtures import with_profile


def large(settings: Settings, **discord: bool) -> Settings:
    """``settings`` under the large profile, with ``[discord]`` overrides."""
    settings = with_profile(settings, "large")
    return settings.model_copy(update={"discord": settings.discord.model_copy(update=discord)})


async def test_large_profile_reaches_the_disnake_client(guildhall_db) -> None:
    bot = GuildhallBot(large(guildhall_db.settings), guildhall_db.plugins)
    intents = bot.intents
    assert intents.guilds and intents.guild_messages and intents.message_content
    assert intents.members  # moderation and welcome follow joins
    assert not (intents.presences or intents.typing or intents.guild_reactions
                or intents.voice_states or intents.invites or intents.guild_scheduled_events)
    assert bot._connection.member_cache_flags.value == 0  # no member cached
    assert bot._connection._chunk_guilds is False
    assert bot._connection.max_messages == LARGE_MAX_MESSAGES


async def test_default_profile_keeps_disnakes_caches(guildhall_db) -> None:
    bot = GuildhallBot(guildhall_db.settings, guildhall_db.plugins)
    expected = disnake.Intents.default()
    expected.members = expected.message_content = True
    assert bot.intents == expected
    assert bot._connection.member_cache_flags == disnake.MemberCacheFlags.from_intents(expected)
    assert bot._connection._chunk_guilds is True
    assert bot._connection.max_messages == 1000


def test_intents_are_the_union_of_the_enabled_plugins() -> None:
    only_economy = Settings(plugins={"enabled": ["economy", "reminders"]})
    manager = PluginManager(only_economy).load()
    assert plugin_intents(manager) == {"economy": [], "reminders": []}
    intents = client_options(with_profile(only_economy, "large"), manager)["intents"]
    assert not intents.members  # no enabled plugin follows joins
    assert intents.guilds and intents.guild_messages

    both = Settings(plugins={"enabled": ["leveling", "welcome"]})
    options = client_options(with_profile(both, "large"), PluginManager(both).load())
    assert options["intents"].members and options["intents"].guild_messages


def test_privileged_intents_stay_off_when_the_settings_say_so() -> None:
    settings = Settings(plugins={"enabled": ["welcome", "customcmds"]})
    manager = PluginManager(settings).load()
    intents = client_options(
        large(settings, members_intent=False, message_content_intent=False), manager
    )["intents"]
    assert not intents.members and not intents.message_content


def test_unknown_intent_name_stops_the_start() -> None:
    class Confused:
        @hookimpl
        def guildhall_intents(self) -> list[str]:
            return ["guild_messages", "everything"]

    manager = PluginManager(Settings(plugins={"enabled": []}))
    manager.register("confused", Confused())
    with pytest.raises(PluginError, match="'confused' asks for unknown intents 'everything'"):
        plugin_intents(manager)


def test_unknown_profile_in_the_test_kit_is_refused() -> None:
    with pytest.raises(ValueError, match="Input should be 'default' or 'large'"):
        with_profile(Settings(), "tiny")
