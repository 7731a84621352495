"""``[web]``: the dashboard server. Kept free of other ``core`` imports (``core.runtime.config``
includes it as a section). The OAuth2 client secret and the status token are secrets:
they come only from the environment (``GUILDHALL_WEB__CLIENT_SECRET``,
``GUILDHALL_WEB__STATUS_TOKEN``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class WebSettings(BaseModel):
    """Where the dashboard listens, its public address, login and sessions."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8080, ge=1, le=65535)
    public_url: str = ""
    trust_forwarded_headers: bool = False
    session_days: int = Field(default=30, ge=1, le=365)
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    status_token: SecretStr = SecretStr("")
    permissions_cache_seconds: float = Field(default=30.0, ge=0, le=300)
    login_per_address: int = Field(default=20, ge=1, le=10_000)
    login_total: int = Field(default=300, ge=1, le=1_000_000)
    login_window_seconds: float = Field(default=300.0, ge=1, le=86_400)

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be empty or an http(s) URL such as https://bot.example.org")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return value.rstrip("/")

    @field_validator("client_id")
    @classmethod
    def _client_id_digits(cls, value: str) -> str:
        if value and not value.isdigit():
            raise ValueError("must be the application's numeric id (Developer Portal)")
        return value

    @field_validator("status_token")
    @classmethod
    def _status_token_long(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (or empty to turn it off)")
        return value

    def base_url(self) -> str:
        """The dashboard's public address (``public_url``, else ``http://host:port``)."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def secure_cookies(self) -> bool:
        """Session cookies carry ``Secure`` when the public address is https."""
        return self.public_url.startswith("https://")
