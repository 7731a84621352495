"""A guild's own reward amounts (``economy_settings``): daily, work range, highest bet.

``[plugins.economy]`` gives every guild its defaults (and the currency, cooldowns and
odds, which stay deployment-wide); :data:`AMOUNTS` merges a guild's row over them and
changes it (validated by :class:`EconomySettings`, audited, every process's cache dropped
through the bus): see :mod:`core.services.guild_overrides`.
"""

from __future__ import annotations

from core.plugins.api import GuildOverrides, OverridesCache
from plugins.economy.models import EconomyGuildSettings
from plugins.economy.settings import EconomySettings
from plugins.economy.texts import TEXTS

FIELDS = ("daily_amount", "work_min", "work_max", "gamble_max_bet")
AMOUNTS = GuildOverrides(EconomyGuildSettings, EconomySettings, FIELDS,
                         topic="economy.amounts", name="economy", texts=TEXTS)


def amounts_cache(defaults: EconomySettings) -> OverridesCache[EconomySettings]:
    """The games cog's cache of effective settings per guild."""
    return OverridesCache(AMOUNTS, defaults)
