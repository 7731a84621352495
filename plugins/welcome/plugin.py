"""Welcome plugin: ``/welcome``, the welcome message on join and the join role."""

from __future__ import annotations

from pathlib import Path

from disnake.ext import commands
from pydantic import BaseModel

from core.plugins.api import ServerFields, Settings, TablePlugin, WebPanel, hookimpl
from plugins.welcome.settings import WelcomeConfig


class WelcomePlugin(TablePlugin):
    """Owns ``welcome_settings``; uses core's ``welcome_channel_id`` and ``auto_role_id``."""

    models_module = "plugins.welcome.models"
    guild_tables = ("plugins.welcome.models.WelcomeSettings",)
    # the text belongs to the guild: its author's deletion request anonymises set_by
    actor_columns = {"plugins.welcome.models.WelcomeSettings": "set_by"}

    @hookimpl
    def guildhall_intents(self) -> list[str]:
        """Greetings and the join role follow members joining."""
        return ["members"]

    @hookimpl
    def guildhall_settings_model(self) -> type[BaseModel]:
        """``[plugins.welcome]``: the default template."""
        return WelcomeConfig

    @hookimpl
    def guildhall_locales(self) -> Path:
        """``locales/``: command localizations and reply texts per locale."""
        from plugins.welcome.texts import TEXTS

        return TEXTS.directory

    @hookimpl
    def guildhall_cogs(
        self, bot: commands.Bot, settings: BaseModel | None
    ) -> list[commands.Cog]:
        """``/welcome`` and the join listeners."""
        from plugins.welcome.cog_welcome import WelcomeCog

        config = settings if isinstance(settings, WelcomeConfig) else WelcomeConfig()
        return [WelcomeCog(bot, config)]  # type: ignore[arg-type]

    @hookimpl
    def guildhall_web_panels(self, settings: Settings) -> list[WebPanel]:
        """The "Welcome message" panel (text, DM switch)."""
        from plugins.welcome.web import panels

        return panels(settings)

    @hookimpl
    def guildhall_web_server_fields(self) -> list[ServerFields]:
        """The welcome channel and the join role, in the dashboard's Server form."""
        from plugins.welcome.web import server_fields

        return server_fields()


plugin = WelcomePlugin()
