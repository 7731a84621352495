"""``settings_audit``: who changed which guild setting, from where, from what to what.

Every admin change of a guild setting (core settings, plugin switches, a plugin's own
settings) records one row through :func:`record_change`, whether it came from a slash
command, a prefix command or the web dashboard. ``before`` and ``after`` are stored as
JSON text (values JSON cannot hold, such as datetimes, as their ``str``). Call it inside
the same transaction as the change when there is one, so both commit or neither does.
"""

from __future__ import annotations

import json
from typing import Any

from core.db.models import SettingsAudit

SOURCES = ("slash", "prefix", "web")
MAX_LIMIT = 500


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


async def record_change(
    guild_id: int, actor_id: int, source: str, setting: str, before: Any, after: Any
) -> None:
    """Write one audit row; ``ValueError`` for an unknown ``source`` or empty ``setting``."""
    if source not in SOURCES:
        raise ValueError(f"audit source must be one of {', '.join(SOURCES)}, not {source!r}")
    if not setting or len(setting) > 100:
        raise ValueError("audit setting name must be 1-100 characters")
    await SettingsAudit.create(
        guild_id=guild_id, actor_id=actor_id, source=source, setting=setting,
        before=_json(before), after=_json(after),
    )


async def recent_changes(guild_id: int, limit: int = 50) -> list[SettingsAudit]:
    """The guild's newest changes first (at most ``limit``, capped at 500)."""
    limit = max(1, min(limit, MAX_LIMIT))
    return await SettingsAudit.filter(guild_id=guild_id).order_by("-created_at", "-id").limit(
        limit
    )


def values(entry: SettingsAudit) -> tuple[Any, Any]:
    """``(before, after)`` of an audit row, decoded from JSON."""
    return (
        json.loads(entry.before) if entry.before is not None else None,
        json.loads(entry.after) if entry.after is not None else None,
    )


async def purge(guild_id: int) -> int:
    """Delete a guild's audit rows (guild purge); return how many."""
    return await SettingsAudit.filter(guild_id=guild_id).delete()
