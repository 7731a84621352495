"""``[plugins.leveling]``: process-wide defaults; guilds change theirs with ``/levels``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LevelingSettings(BaseModel):
    """Defaults for guilds without their own settings, and the flush interval."""

    model_config = ConfigDict(extra="forbid")

    flush_seconds: float = Field(2.0, gt=0, le=300, title="XP is written every")
    xp_min: int = Field(15, ge=0, le=10_000, title="Least XP per message")
    xp_max: int = Field(25, ge=0, le=10_000, title="Most XP per message")
    cooldown_seconds: int = Field(60, ge=0, le=86_400, title="Time between messages that earn XP")

    @model_validator(mode="after")
    def _range(self) -> LevelingSettings:
        if self.xp_min > self.xp_max:
            raise ValueError(f"xp_min ({self.xp_min}) must not exceed xp_max ({self.xp_max})")
        return self
