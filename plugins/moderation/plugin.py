"""Moderation plugin (commands, escalation and expiry arrive with the moderation issue)."""

from __future__ import annotations

from core.plugin_base import TablePlugin

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


plugin = ModerationPlugin()
