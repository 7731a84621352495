"""A guild's own warning expiry and escalation thresholds (``moderation_settings``).

``[plugins.moderation]`` gives every guild its defaults; a guild whose admins changed
them (on the dashboard) has a row, and :func:`effective` merges it over the defaults.
Bot processes read through :class:`RulesCache` (bounded, TTL as a safety net); a change
through :func:`set_rules` validates the merged settings with the same model as the
config file, writes the row and one audit row per changed value, then publishes
``moderation.rules`` so every process drops its cached copy.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core import bus
from core.cache import TtlCache
from core.services import audit
from plugins.moderation.models import ModerationGuildSettings
from plugins.moderation.settings import ModerationSettings

TOPIC = "moderation.rules"
FIELDS = ("warning_expiry_days", "escalate_mute_at", "escalate_mute_minutes",
          "escalate_kick_at", "escalate_ban_at")


async def own_rules(guild_id: int) -> dict[str, int]:
    """The guild's stored values (empty: it uses the defaults)."""
    row = await ModerationGuildSettings.get_or_none(guild_id=guild_id)
    return {} if row is None else {name: getattr(row, name) for name in FIELDS}


async def effective(guild_id: int, defaults: ModerationSettings) -> ModerationSettings:
    """The deployment's moderation settings with the guild's own rules applied."""
    own = await own_rules(guild_id)
    return defaults.model_copy(update=own) if own else defaults


def _readable(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"].removeprefix("Value error, ")


async def set_rules(
    guild_id: int, defaults: ModerationSettings, changes: dict[str, Any], *,
    actor_id: int, source: str,
) -> ModerationSettings:
    """Change the guild's rules; ``ValueError`` (nothing written) when a value is invalid."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a moderation rule: {', '.join(sorted(unknown))}")
    current = await effective(guild_id, defaults)
    try:
        merged = ModerationSettings.model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise ValueError(_readable(exc)) from None
    values = {name: getattr(merged, name) for name in FIELDS}
    await ModerationGuildSettings.update_or_create(
        guild_id=guild_id, defaults={**values, "updated_by": actor_id})
    for name in FIELDS:
        if getattr(current, name) != values[name]:
            await audit.record_change(guild_id, actor_id, source, f"moderation.{name}",
                                      getattr(current, name), values[name])
    await bus.publish(TOPIC, {"guild_id": guild_id})
    return merged


class RulesCache:
    """A bot's cached effective settings per guild, dropped on ``moderation.rules``."""

    def __init__(self, defaults: ModerationSettings, size: int = 10_000,
                 ttl: float = 300.0) -> None:
        self.defaults = defaults
        self._cache: TtlCache[int, ModerationSettings] = TtlCache(size, ttl)

    async def get(self, guild_id: int) -> ModerationSettings:
        """The guild's effective settings."""
        return await self._cache.get(guild_id, lambda: effective(guild_id, self.defaults))

    def listen(self, on: bus.Bus) -> None:
        """Follow changes made by any process (the dashboard) on bus ``on``."""
        on.unsubscribe(TOPIC, self._on_changed)
        on.subscribe(TOPIC, self._on_changed)

    def _on_changed(self, payload: dict[str, Any]) -> None:
        guild_id = payload.get("guild_id")
        if isinstance(guild_id, int):
            self._cache.invalidate(guild_id)
