"""``[cluster]``: shard plan, machine slice, identify limits, supervision and status.

A section of :class:`core.runtime.config.Settings`, read by the launcher and workers
(``cluster/``), ``guildhall status`` and the dashboard.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.runtime.cluster_ranges import parse_clusters


class ClusterSettings(BaseModel):
    """How ``guildhall run`` splits the bot into worker processes and supervises them."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    shard_count: int | Literal["auto"] = "auto"
    shards_per_cluster: int = Field(default=8, ge=1, le=64)
    clusters: str = ""
    total_clusters: int = Field(default=0, ge=0, le=10_000)
    clusters_per_machine: int = Field(default=0, ge=0, le=10_000)
    ordinal_env: str = ""
    low_session_budget: Literal["refuse", "wait"] = "refuse"
    identify_window_seconds: float = Field(default=5.0, gt=0, le=60)
    identify_margin_seconds: float = Field(default=0.25, ge=0, le=10)
    identify_key: str = Field(default="guildhall:identify", min_length=1)
    guild_ready_timeout_seconds: float = Field(default=2.0, ge=0, le=60)
    heartbeat_timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    startup_grace_seconds: float = Field(default=120.0, ge=0, le=3600)
    restart_backoff_min_seconds: float = Field(default=1.0, gt=0, le=3600)
    restart_backoff_max_seconds: float = Field(default=300.0, gt=0, le=86_400)
    healthy_reset_seconds: float = Field(default=120.0, gt=0, le=86_400)
    stop_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    status_interval_seconds: float = Field(default=10.0, gt=0, le=600)
    status_stale_seconds: float = Field(default=30.0, gt=0, le=3600)
    status_key: str = Field(default="guildhall:status", min_length=1)
    status_directory: str = "data/status"

    @field_validator("shard_count", mode="before")
    @classmethod
    def _count(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and not 1 <= value <= 100_000:
            raise ValueError('must be "auto" or a whole number of shards from 1 to 100000')
        return value

    @field_validator("clusters")
    @classmethod
    def _clusters(cls, value: str) -> str:
        if value:
            parse_clusters(value)  # raises ValueError with the reason
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ClusterSettings:
        if self.restart_backoff_min_seconds > self.restart_backoff_max_seconds:
            raise ValueError(
                f"restart_backoff_min_seconds ({self.restart_backoff_min_seconds}) must not "
                f"exceed restart_backoff_max_seconds ({self.restart_backoff_max_seconds})"
            )
        if self.status_stale_seconds <= self.status_interval_seconds:
            raise ValueError(
                f"status_stale_seconds ({self.status_stale_seconds}) must be longer than "
                f"status_interval_seconds ({self.status_interval_seconds})"
            )
        if self.heartbeat_timeout_seconds <= self.status_interval_seconds:
            raise ValueError(
                f"heartbeat_timeout_seconds ({self.heartbeat_timeout_seconds}) must be longer "
                f"than status_interval_seconds ({self.status_interval_seconds})"
            )
        if self.ordinal_env and not self.clusters_per_machine:
            raise ValueError("ordinal_env needs clusters_per_machine (clusters each machine runs)")
        return self
