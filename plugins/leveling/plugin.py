"""Leveling plugin (XP earning and commands arrive with the leveling issue).

Leveling stores XP in core's ``guild_members`` and ``users`` through core services, so it
has no tables of its own yet.
"""

from __future__ import annotations

from core.plugin_base import TablePlugin


class LevelingPlugin(TablePlugin):
    """No tables of its own yet."""


plugin = LevelingPlugin()
