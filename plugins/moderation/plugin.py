"""Moderation plugin (commands, escalation and expiry arrive with the moderation issue)."""

from __future__ import annotations

from core.config import Settings
from core.contracts import IntegrityCheck, RetentionPolicy
from core.hookspecs import hookimpl
from core.plugin_base import TablePlugin
from plugins.moderation import maintenance

_M = "plugins.moderation.models"


class ModerationPlugin(TablePlugin):
    """Owns ``warnings``, ``mod_actions`` (append-only, never purged) and ``temp_punishments``."""

    models_module = _M
    guild_tables = (f"{_M}.Warning", f"{_M}.TempPunishment")
    user_columns = {
        f"{_M}.Warning": "user_id",
        f"{_M}.TempPunishment": "user_id",
        f"{_M}.ModAction": "target_id",
    }
    keep_on_user_delete = (f"{_M}.ModAction",)

    @hookimpl
    def guildhall_retention_policies(self, settings: Settings) -> list[RetentionPolicy]:
        """Expire and delete warnings (``mod_actions`` is never cleaned)."""
        return maintenance.retention_policies(settings)

    @hookimpl
    def guildhall_integrity_checks(self) -> list[IntegrityCheck]:
        """No temp punishment overdue by more than 5 minutes."""
        return maintenance.integrity_checks()


plugin = ModerationPlugin()
