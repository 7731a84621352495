"""Typed settings loaded from ``config.toml`` and the environment.

Precedence, highest first: ``GUILDHALL_SECTION__KEY`` environment variables, the
conventional ``DISCORD_TOKEN`` / ``DATABASE_URL`` / ``REDIS_URL``, the TOML file, the
defaults below. Secrets (the bot token, passwords inside URLs, whether as
``user:password@`` or as a query parameter such as ``?password=``) are refused in the
file: they only come from the environment or from files named there
(``DISCORD_TOKEN_FILE``, ``$GUILDHALL_SECRETS_DIR``: :mod:`core.runtime.secret_files`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from core.runtime.cluster_settings import ClusterSettings
from core.runtime.config_errors import (
    describe_unparsable_variable,
    describe_validation_error,
    unknown_variables,
)
from core.runtime.secret_files import FILE_VARIABLES, SecretFileError, secrets_from_files
from core.runtime.url_secrets import mask_url, url_secrets
from core.web.settings import WebSettings

DEFAULT_CONFIG_FILE = Path("config.toml")
BUILTIN_PLUGINS = (
    "leveling", "economy", "moderation", "reminders", "customcmds", "analytics", "welcome",
)
CONVENTIONAL_ENV = {
    "DISCORD_TOKEN": ("discord", "token"),
    "DATABASE_URL": ("database", "url"),
    "REDIS_URL": ("redis", "url"),
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class DiscordSettings(_Section):
    """``[discord]``: how the bot reaches Discord (or a Discord-compatible double)."""

    token: SecretStr = SecretStr("")
    api_base: str = "https://discord.com/api/v10"
    message_content_intent: bool = True
    members_intent: bool = True
    sync_commands: bool = True
    test_guilds: list[int] = Field(default_factory=list)
    # the bot's REST budget, shared by every process (core.coordination.rest_budget)
    global_rate_per_second: float = Field(default=50.0, ge=0, le=100_000)
    invalid_request_limit: int = Field(default=10_000, ge=1, le=1_000_000)
    invalid_slow_share: float = Field(default=0.5, gt=0, le=1)
    # per-route buckets (X-RateLimit-Bucket) shared by every process (route_buckets.py)
    share_route_buckets: bool = True

    @field_validator("api_base")
    @classmethod
    def _api_base_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://discord.com/api/v10")
        return value.rstrip("/")


class DatabaseSettings(_Section):
    """``[database]``: one connection shared by every plugin's tables."""

    url: SecretStr = SecretStr("sqlite://data/guildhall.db")
    pool_min_size: int = Field(default=1, ge=1, le=100)
    pool_max_size: int = Field(default=10, ge=1, le=500)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)
    migrate_lock_timeout_seconds: float = Field(default=300.0, gt=0, le=3600)

    @field_validator("url")
    @classmethod
    def _supported_scheme(cls, value: SecretStr) -> SecretStr:
        scheme = urlsplit(value.get_secret_value()).scheme
        if scheme not in ("sqlite", "postgres", "postgresql"):
            raise ValueError(
                "scheme must be sqlite:// (e.g. sqlite://data/guildhall.db) or "
                "postgres:// (e.g. postgres://user@host:5432/guildhall)"
            )
        return value

    @property
    def dialect(self) -> Literal["sqlite", "postgres"]:
        """``"sqlite"`` or ``"postgres"``, from the URL scheme."""
        scheme = urlsplit(self.url.get_secret_value()).scheme
        return "sqlite" if scheme == "sqlite" else "postgres"


class RedisSettings(_Section):
    """``[redis]``: coordination between processes; empty means single machine."""

    url: SecretStr = SecretStr("")

    @field_validator("url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw and urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("must be empty or a redis://, rediss:// or unix:// URL")
        return value


class BotSettings(_Section):
    """``[bot]``: behaviour of every worker's bot."""

    default_prefix: str = Field(default="!", min_length=1, max_length=16)
    owner_ids: list[int] = Field(default_factory=list)
    activity_flush_seconds: float = Field(default=15.0, gt=0, le=3600)
    # above the guilds one worker holds (8 full shards: 20,000): a smaller LRU cache misses
    # on every message when traffic goes round all of them (tests/bench/scale.py)
    guild_config_cache_size: int = Field(default=100_000, ge=0)
    use_uvloop: bool = True  # uvloop's event loop in workers when installed (extra "speed")
    # "default": disnake's caches; "large": no member cache, no chunking, a small message
    # cache, only the intents the enabled plugins declare (core/bot/profile.py)
    profile: Literal["default", "large"] = "default"


class LoggingSettings(_Section):
    """``[logging]``: log level, format and per-logger levels."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    json_format: bool = False
    loggers: dict[str, Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]] = Field(
        default={"disnake": "WARNING", "tortoise": "WARNING"}  # pydantic copies it per model
    )

    @field_validator("level", mode="before")
    @classmethod
    def _level_upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("loggers", mode="before")
    @classmethod
    def _logger_levels_upper(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for name in value:
            if not isinstance(name, str) or not name.strip():
                raise ValueError("logger names must be non-empty, e.g. \"plugins.economy\"")
        return {name: v.upper() if isinstance(v, str) else v for name, v in value.items()}


class LeaderSettings(_Section):
    """``[leader]``: the lease that elects the one process running timers and maintenance."""

    ttl_seconds: float = Field(default=15.0, gt=0.5, le=300)
    renew_seconds: float = Field(default=5.0, gt=0.1, le=100)
    key: str = Field(default="guildhall:leader", min_length=1)
    duties: list[Literal["timers", "maintenance", "backups"]] = Field(
        default=["timers", "maintenance", "backups"]  # pydantic copies it per model
    )

    @model_validator(mode="after")
    def _renew_before_expiry(self) -> LeaderSettings:
        if self.renew_seconds * 2 > self.ttl_seconds:
            raise ValueError(
                f"renew_seconds ({self.renew_seconds}) must be at most half of ttl_seconds "
                f"({self.ttl_seconds}) so a missed renewal is noticed before the lease ends"
            )
        return self


class SchedulerSettings(_Section):
    """``[scheduler]``: durable timers (reminders, temp punishments, warning expiry)."""

    max_concurrency: int = Field(default=50, ge=1, le=1000)
    safety_recheck_seconds: float = Field(default=30.0, gt=0, le=30)
    retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    retry_max_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    max_attempts: int = Field(default=12, ge=1, le=100)
    claim_seconds: float = Field(default=60.0, gt=0, le=3600)


class MaintenanceSettings(_Section):
    """``[maintenance]``: retention, archiving, rollups, integrity, database care."""

    daily_hour_utc: int = Field(default=4, ge=0, le=23)
    weekly_day: Literal[
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
    ] = "sunday"
    batch_size: int = Field(default=5000, ge=100, le=100_000)
    warning_expire_days: int = Field(default=90, ge=1)
    warning_delete_days: int = Field(default=365, ge=1)
    transaction_archive_days: int = Field(default=90, ge=1)
    reminder_retention_days: int = Field(default=30, ge=1)
    command_stats_retention_days: int = Field(default=90, ge=7)
    vacuum_free_ratio: float = Field(default=0.25, gt=0, le=1)

    @model_validator(mode="after")
    def _delete_after_expire(self) -> MaintenanceSettings:
        if self.warning_delete_days < self.warning_expire_days:
            raise ValueError(
                f"warning_delete_days ({self.warning_delete_days}) must not be shorter than "
                f"warning_expire_days ({self.warning_expire_days})"
            )
        return self


class PrivacySettings(_Section):
    """``[privacy]``: users' data requests and what happens when the bot leaves a guild."""

    guild_purge_grace_hours: float = Field(default=0.0, ge=0, le=24 * 90)
    request_cooldown_seconds: float = Field(default=300.0, ge=0, le=86_400)


class BackupSettings(_Section):
    """``[backup]``: scheduled, verified backups and their rotation."""

    directory: str = "backups"
    interval_hours: float = Field(default=6.0, gt=0, le=168)
    keep_days: int = Field(default=30, ge=1)
    verify_restore: bool = False


class MetricsSettings(_Section):
    """``[metrics]``: the Prometheus endpoint of every worker process."""

    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    # worker N listens on port + N; 0 = any free port (tests), logged at start
    port: int = Field(default=9310, ge=0, le=65535)
    db_refresh_seconds: float = Field(default=15.0, ge=0, le=3600)


class PluginsSettings(BaseModel):
    """``[plugins]``: which plugins load, plus one ``[plugins.NAME]`` table per plugin."""

    model_config = ConfigDict(extra="allow")

    enabled: list[str] = Field(default_factory=lambda: list(BUILTIN_PLUGINS))

    @field_validator("enabled")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for name in value:
            if name in seen:
                raise ValueError(f"plugin {name!r} is listed twice")
            seen.add(name)
        return value

    def section(self, name: str) -> dict[str, Any]:
        """The raw ``[plugins.NAME]`` table (empty when absent)."""
        extra = self.model_extra or {}
        value = extra.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"plugins.{name}: expected a table, got {value!r}")
        return value


class _EnvWithoutSecretFiles(EnvSettingsSource):
    """The ``GUILDHALL_*`` environment minus ``*_FILE`` secret variables (read separately)."""

    def _load_env_vars(self) -> dict[str, str | None]:
        skipped = {name.lower() for name in FILE_VARIABLES}
        return {k: v for k, v in super()._load_env_vars().items() if k.lower() not in skipped}


class Settings(BaseSettings):
    """The whole effective configuration of one guildhall process."""

    model_config = SettingsConfigDict(
        env_prefix="GUILDHALL_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    bot: BotSettings = Field(default_factory=BotSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    leader: LeaderSettings = Field(default_factory=LeaderSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    maintenance: MaintenanceSettings = Field(default_factory=MaintenanceSettings)
    backup: BackupSettings = Field(default_factory=BackupSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    plugins: PluginsSettings = Field(default_factory=PluginsSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file, conventional variables and secret files are merged by
        # load_settings() into init kwargs, so the GUILDHALL_* environment wins over them.
        return (_EnvWithoutSecretFiles(settings_cls), init_settings)


def _secret_keys_in_file(data: dict[str, Any]) -> list[str]:
    """Dotted keys in the file that hold secrets (which must come from the environment)."""
    found = []
    if data.get("discord", {}).get("token"):
        found.append("discord.token (set DISCORD_TOKEN instead)")
    for section, env in (("database", "DATABASE_URL"), ("redis", "REDIS_URL")):
        url = data.get(section, {}).get("url")
        secrets = url_secrets(url) if isinstance(url, str) else []
        if secrets:
            what = ", ".join("a password" if s == "password" else s for s in secrets)
            found.append(f"{section}.url with {what} (set {env} instead)")
    for key in ("client_secret", "status_token"):
        if data.get("web", {}).get(key):
            found.append(f"web.{key} (set GUILDHALL_WEB__{key.upper()} instead)")
    return found


def load_settings(path: Path | str | None = None) -> Settings:
    """Load and validate settings; raise :class:`ConfigError` with a readable message.

    ``path`` defaults to ``$GUILDHALL_CONFIG`` or ``./config.toml`` (missing file = defaults).
    """
    env = os.environ
    config_path = Path(path or env.get("GUILDHALL_CONFIG") or DEFAULT_CONFIG_FILE)
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from exc
    elif path is not None:
        raise ConfigError(f"config file not found: {config_path}")
    secrets = _secret_keys_in_file(data)
    if secrets:
        raise ConfigError(
            f"{config_path}: secrets must not be stored in the config file: "
            + "; ".join(secrets)
        )
    for variable, (section, key) in CONVENTIONAL_ENV.items():
        if env.get(variable):
            data.setdefault(section, {})[key] = env[variable]
    unknown = unknown_variables(Settings, env)
    if unknown:
        raise ConfigError("invalid configuration: " + "; ".join(unknown))
    try:
        from_files = secrets_from_files(env)
    except SecretFileError as exc:
        raise ConfigError(str(exc)) from None
    for (section, key), value in from_files.items():
        data.setdefault(section, {})[key] = value
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(
            describe_validation_error(exc, Settings, str(config_path), env)
        ) from None
    except SettingsError as exc:  # a GUILDHALL_* list or table that is not JSON
        raise ConfigError(describe_unparsable_variable(Settings, env) or str(exc)) from None


def effective_config(settings: Settings) -> dict[str, Any]:
    """The settings as plain data with every secret masked."""
    data = settings.model_dump(mode="python")
    data["discord"]["token"] = "***" if settings.discord.token.get_secret_value() else "(not set)"
    data["database"]["url"] = mask_url(settings.database.url.get_secret_value())
    data["redis"]["url"] = mask_url(settings.redis.url.get_secret_value()) or "(not set)"
    for key in ("client_secret", "status_token"):
        secret = getattr(settings.web, key).get_secret_value()
        data["web"][key] = "***" if secret else "(not set)"
    return data
