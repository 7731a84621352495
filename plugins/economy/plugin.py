"""Economy plugin (commands and the money service arrive with the economy issue)."""

from __future__ import annotations

from core.plugin_base import TablePlugin


class EconomyPlugin(TablePlugin):
    """Owns ``transactions``; balances live in core's ``guild_members.coins``."""

    models_module = "plugins.economy.models"
    guild_tables = ("plugins.economy.models.Transaction",)
    user_columns = {"plugins.economy.models.Transaction": "user_id"}


plugin = EconomyPlugin()
