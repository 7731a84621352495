"""Economy's dashboard panel: the guild's daily, work and gamble amounts.

Saved through :data:`plugins.economy.guild_settings.AMOUNTS` (the slash command's code
path): validated by :class:`EconomySettings`, audited, every process's cache dropped.
"""

from __future__ import annotations

from core.plugins.api import Settings, WebPanel
from core.web.panels import overrides_panel
from plugins.economy.guild_settings import AMOUNTS

LABELS = {
    "daily_amount": "Daily reward",
    "work_min": "Work pays at least",
    "work_max": "Work pays at most",
    "gamble_max_bet": "Highest bet",
}


def panels(settings: Settings) -> list[WebPanel]:
    """The "Economy amounts" panel, over the ``[plugins.economy]`` defaults."""
    return [overrides_panel(AMOUNTS, settings, "Economy amounts", LABELS)]
