"""``[plugins.analytics]``: how often and in what batches command uses are written."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AnalyticsSettings(BaseModel):
    """Batching of ``command_stats`` writes and the default ``/stats commands`` period."""

    model_config = ConfigDict(extra="forbid")

    flush_seconds: float = Field(10.0, gt=0, le=300, title="Command uses are written every")
    batch_rows: int = Field(500, ge=1, le=10_000, title="Command uses written per batch")
    max_buffered_rows: int = Field(100_000, ge=1_000, title="Most command uses kept in memory")
    default_days: int = Field(30, ge=1, le=3650, title="/stats covers by default")
