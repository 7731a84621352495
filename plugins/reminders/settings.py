"""``[plugins.reminders]``: per-user limits and the repeat and lateness bounds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RemindersSettings(BaseModel):
    """Limits of ``/remind``; the text and horizon limits are fixed (see the docs)."""

    model_config = ConfigDict(extra="forbid")

    max_active_per_user: int = Field(25, ge=1, le=1000, title="Most active reminders per member")
    min_repeat_seconds: int = Field(3600, ge=60, le=86_400 * 7, title="Shortest repeat interval")
    late_notice_seconds: float = Field(60.0, ge=1, le=86_400,
                                       title="A reminder is marked late after")
