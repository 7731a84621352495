"""``[plugins.welcome]``: the default template (used until a guild sets its own)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TEMPLATE = "Welcome to {server}, {user.mention}!"


class WelcomeConfig(BaseModel):
    """Process-wide welcome settings."""

    model_config = ConfigDict(extra="forbid")

    default_template: str = Field(DEFAULT_TEMPLATE, min_length=1, max_length=2000,
                                  title="Welcome message until a server sets its own")
