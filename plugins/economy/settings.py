"""``[plugins.economy]``: currency, rewards, gambling and shop limits."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.plugins.api import COINS_MAX, SettingConflict
from plugins.economy.texts import TEXTS


class EconomySettings(BaseModel):
    """Validated ``[plugins.economy]`` settings (every key optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency_name: str = Field(default="coins", min_length=1, max_length=32, title="Currency name")
    currency_symbol: str = Field(default="\N{COIN}", min_length=1, max_length=8,
                                 title="Currency symbol")
    daily_amount: int = Field(default=100, ge=1, le=1_000_000, title="Daily reward")
    daily_cooldown_hours: float = Field(default=24.0, gt=0, le=168,
                                        title="Time between daily rewards")
    daily_streak_bonus: int = Field(default=10, ge=0, le=1_000_000,
                                    title="Extra per day of a daily streak")
    daily_streak_max_days: int = Field(default=7, ge=1, le=60,
                                       title="Longest streak that adds a bonus")
    daily_streak_window_hours: float = Field(default=48.0, gt=0, le=336,
                                             title="A streak holds if the next daily comes within")
    work_min: int = Field(default=20, ge=1, le=1_000_000, title="Work pays at least")
    work_max: int = Field(default=80, ge=1, le=1_000_000, title="Work pays at most")
    work_cooldown_hours: float = Field(default=1.0, gt=0, le=168, title="Time between work shifts")
    gamble_win_chance: float = Field(default=0.5, gt=0, lt=1, title="Chance to win a bet")
    gamble_house_edge: float = Field(default=0.04, ge=0, lt=1, title="House edge on bets")
    gamble_max_bet: int = Field(default=100_000, ge=1, le=COINS_MAX, title="Highest bet")
    shop_max_items: int = Field(default=25, ge=1, le=100, title="Most items in a server shop")
    richest_page_size: int = Field(default=10, ge=1, le=25, title="Members per page of /richest")

    @model_validator(mode="after")
    def _consistent(self) -> EconomySettings:
        # SettingConflict: a ValueError worded per reader (English in the config file's error)
        if self.work_min > self.work_max:
            raise SettingConflict("settings.work_range", texts=TEXTS, work_min=self.work_min,
                                  work_max=self.work_max)
        if self.gamble_payout_ratio <= 0:
            raise SettingConflict("settings.no_winnings", texts=TEXTS,
                                  edge=self.gamble_house_edge, chance=self.gamble_win_chance)
        if self.daily_streak_window_hours <= self.daily_cooldown_hours:
            raise SettingConflict("settings.streak_window", texts=TEXTS)
        return self

    @property
    def gamble_payout_ratio(self) -> float:
        """Net winnings per coin staked, so that the expected loss is the house edge.

        ``chance * (1 + ratio) = 1 - edge``: with chance 0.5 and edge 0.04, a win pays
        0.92 times the stake on top of the stake.
        """
        return (1 - self.gamble_house_edge) / self.gamble_win_chance - 1

    def gamble_winnings(self, bet: int) -> int:
        """Net coins won on ``bet`` (rounded down, at least 1), computed exactly in decimal."""
        edge, chance = Decimal(str(self.gamble_house_edge)), Decimal(str(self.gamble_win_chance))
        gross = (Decimal(bet) * (1 - edge) / chance).to_integral_value(rounding=ROUND_FLOOR)
        return max(1, int(gross) - bet)

    def money(self, amount: int) -> str:
        """``1,250 🪙`` style rendering of an amount."""
        return f"{amount:,} {self.currency_symbol}"
