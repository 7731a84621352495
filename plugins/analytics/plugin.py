"""Analytics plugin (recording and rollups arrive with the analytics issue)."""

from __future__ import annotations

from core.plugin_base import TablePlugin


class AnalyticsPlugin(TablePlugin):
    """Owns ``command_stats``."""

    models_module = "plugins.analytics.models"
    guild_tables = ("plugins.analytics.models.CommandStat",)
    user_columns = {"plugins.analytics.models.CommandStat": "user_id"}


plugin = AnalyticsPlugin()
