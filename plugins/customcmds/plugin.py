"""Custom commands plugin (commands arrive with the custom commands issue)."""

from __future__ import annotations

from core.plugin_base import TablePlugin


class CustomCommandsPlugin(TablePlugin):
    """Owns ``custom_commands``."""

    models_module = "plugins.customcmds.models"
    guild_tables = ("plugins.customcmds.models.CustomCommand",)
    user_columns = {"plugins.customcmds.models.CustomCommand": "creator_id"}


plugin = CustomCommandsPlugin()
