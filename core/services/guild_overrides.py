"""Per-guild values for some fields of a plugin's settings model.

A plugin's ``[plugins.NAME]`` section gives every guild its defaults; a guild whose admins
changed some of those fields has a row in the plugin's own table (``guild_id`` primary
key, one column per field, ``updated_by``). :class:`GuildOverrides` merges the row over
the defaults, and changes it in one place for the slash command and the dashboard: the
merged values are validated by the plugin's own settings model (the same rules as the
config file), the row is written, each changed value gets an audit row, and a bus message
makes every process drop its cached copy (:class:`OverridesCache`).

Given the plugin's ``texts``, its settings speak the reader's language: ``overrides.title``
and ``overrides.fields.<field>`` name them, and a refusal (:class:`SettingsRefused`) is
worded per reader (:mod:`core.services.settings_errors`). Without, the model's English
field titles name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from tortoise.models import Model

from core.coordination import bus
from core.i18n.locale_choice import DEFAULT_LOCALE
from core.i18n.texts import Phrase, Texts
from core.services import audit
from core.services.cache import TtlCache
from core.services.settings_errors import SettingsRefused, refusal

S = TypeVar("S", bound=BaseModel)


@dataclass(frozen=True)
class GuildOverrides(Generic[S]):
    """The overridable ``fields`` of ``model``, stored per guild in ``table``."""

    table: type[Model]
    model: type[S]
    fields: tuple[str, ...]
    topic: str  # bus topic announcing a guild's change
    name: str  # audit settings are "<name>.<field>"
    texts: Texts | None = None  # the owner's: overrides.title, overrides.fields.<field>

    def _text(self, key: str) -> Phrase | None:
        """The owner's text ``key``, worded per reader; ``None`` when it has none."""
        if self.texts is None or self.texts.files.find(DEFAULT_LOCALE, key) is None:
            return None
        return self.texts.phrase(key)

    def title(self) -> Phrase | str:
        """What these settings are called (``Economy amounts``), worded per reader."""
        return self._text("overrides.title") or self.name

    def label(self, field: str) -> Phrase | str:
        """A setting's human name (``Daily reward``), worded per reader; the model's English
        title, else the field name, without a text."""
        info = self.model.model_fields.get(field)
        return (self._text(f"overrides.fields.{field}")
                or (info.title if info is not None and info.title else field))

    async def own(self, guild_id: int) -> dict[str, Any]:
        """The guild's stored values (empty: it uses the defaults)."""
        row = await self.table.get_or_none(guild_id=guild_id)
        return {} if row is None else {f: getattr(row, f) for f in self.fields}

    async def effective(self, guild_id: int, defaults: S) -> S:
        """``defaults`` with the guild's own values applied."""
        own = await self.own(guild_id)
        return defaults.model_copy(update=own) if own else defaults

    async def change(
        self, guild_id: int, defaults: S, changes: dict[str, Any], *, actor_id: int, source: str,
    ) -> S:
        """Set some fields for the guild; :class:`SettingsRefused` (a ``ValueError``, worded
        per reader; nothing written) when invalid."""
        unknown = set(changes) - set(self.fields)
        if unknown:
            raise SettingsRefused("validation.unknown", owner=self.name,
                                  fields=", ".join(sorted(unknown)))
        current = await self.effective(guild_id, defaults)
        try:
            merged = self.model.model_validate({**current.model_dump(), **changes})
        except ValidationError as exc:
            raise refusal(exc, self.label) from None
        values = {f: getattr(merged, f) for f in self.fields}
        await self.table.update_or_create(
            guild_id=guild_id, defaults={**values, "updated_by": actor_id})
        for field in self.fields:
            if getattr(current, field) != values[field]:
                await audit.record_change(guild_id, actor_id, source, f"{self.name}.{field}",
                                          getattr(current, field), values[field])
        await bus.publish(self.topic, {"guild_id": guild_id})
        return merged


class OverridesCache(Generic[S]):
    """A bot's cached effective settings per guild, dropped when any process changes them."""

    def __init__(self, overrides: GuildOverrides[S], defaults: S, size: int = 100_000,
                 ttl: float = 300.0) -> None:
        self.overrides = overrides
        self.defaults = defaults
        self._cache: TtlCache[int, S] = TtlCache(size, ttl)

    async def get(self, guild_id: int) -> S:
        """The guild's effective settings."""
        return await self._cache.get(
            guild_id, lambda: self.overrides.effective(guild_id, self.defaults))

    def listen(self, on: bus.Bus) -> None:
        """Follow changes made by any process (the dashboard, a worker) on bus ``on``."""
        on.unsubscribe(self.overrides.topic, self._on_changed)
        on.subscribe(self.overrides.topic, self._on_changed)

    def _on_changed(self, payload: dict[str, Any]) -> None:
        guild_id = payload.get("guild_id")
        if isinstance(guild_id, int):
            self._cache.invalidate(guild_id)
