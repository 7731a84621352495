"""Analytics plugin (recording arrives with the analytics issue)."""

from __future__ import annotations

from core.config import Settings
from core.contracts import RetentionPolicy
from core.hookspecs import hookimpl
from core.plugin_base import TablePlugin
from plugins.analytics import rollup


class AnalyticsPlugin(TablePlugin):
    """Owns ``command_stats`` and its weekly rollups ``command_stats_weekly``."""

    models_module = "plugins.analytics.models"
    guild_tables = ("plugins.analytics.models.CommandStat",)
    user_columns = {"plugins.analytics.models.CommandStat": "user_id"}

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Weekly rollup of command stats, then deletion of raw rows past retention."""
        return rollup.retention_policies(settings)


plugin = AnalyticsPlugin()
