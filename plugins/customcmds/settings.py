"""``[plugins.customcmds]``: limits, the manager role name and the uses flush interval."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CustomCommandsSettings(BaseModel):
    """Process-wide limits; a guild grants management by creating the named role."""

    model_config = ConfigDict(extra="forbid")

    max_per_guild: int = Field(500, ge=1, le=10_000, title="Most custom commands per server")
    manager_role: str = Field("Custom Commands", min_length=1, max_length=100,
                              title="Role that may manage custom commands")
    flush_seconds: float = Field(5.0, gt=0, le=300, title="Uses are counted every")
    page_size: int = Field(20, ge=5, le=50, title="Commands per page of /customcmd list")
