"""Users' data requests: export everything stored about a user, or delete it.

The export merges core's rows (``users``, ``guild_members``, dashboard logins, settings
changes made) with every plugin's ``guildhall_user_export`` hook. The deletion fans out
to every plugin's ``guildhall_user_delete`` hook first, then deletes core's rows; when a
plugin fails, core's rows stay so a retry (the request is idempotent) finishes the job.

Kept on deletion, and said so to the user: the moderation records (``mod_actions`` and
its amendments are append-only, enforced by database triggers; warnings and running
temp punishments stay until they expire) and the ``settings_audit`` rows of changes the
user made as a server manager. Rows a user *made* for a guild (custom commands, shop
items, XP adjustments) stay with the guild with the author set to 0.
"""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from core.db.models import GuildMember, SettingsAudit, User, WebSession
from core.plugins.data import delete_user_rows, export_user_rows
from core.plugins.manager import PluginManager
from core.services import privacy_bus, user_fence
from core.services.members import delete_members

log = logging.getLogger(__name__)
EXPORT_FORMAT = "guildhall-user-export/1"
# Discord's smallest upload limit for bots (DMs, unboosted guilds) is 10 MiB.
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
KEPT_RECORDS = (
    "Kept as audit records: the moderation log (mod_actions, append-only), warnings and "
    "running temporary punishments until they expire, and the record of settings you "
    "changed as a server manager. Custom commands, shop items and XP changes you made "
    "for a server stay with that server without your name."
)


class ExportTooLarge(Exception):
    """The export does not fit in one Discord upload, even compressed."""


@dataclass(slots=True)
class DeletionReport:
    """What a deletion request changed: rows per owner (``core`` and plugin names)."""

    rows: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Rows deleted or anonymised in all."""
        return sum(self.rows.values())

    @property
    def complete(self) -> bool:
        """Whether every plugin and core finished."""
        return not self.failed


async def export_core(user_id: int) -> dict[str, Any]:
    """Core's rows about ``user_id`` (never session tokens)."""
    exported = await export_user_rows(user_id, {User: "user_id", GuildMember: "user_id"})
    sessions = await WebSession.filter(user_id=user_id).order_by("created_at").values(
        "username", "created_at", "expires_at"
    )
    exported["web_sessions"] = [_plain(row) for row in sessions]
    exported.update(
        await export_user_rows(user_id, {SettingsAudit: "actor_id"}, key_by_column=True)
    )
    return exported


async def export_user(plugins: PluginManager, user_id: int) -> dict[str, Any]:
    """Everything stored about ``user_id``: core's rows and each plugin's export."""
    failed: list[str] = []
    results = await plugins.acall("guildhall_user_export", failed=failed, user_id=user_id)
    return {
        "format": EXPORT_FORMAT,
        "user_id": str(user_id),
        "generated_at": datetime.now(UTC).isoformat(),
        "about": (
            "Each section lists the rows of one table that are about you; a key like "
            "'mod_actions.moderator_id' lists rows you made as a moderator or manager."
        ),
        "core": await export_core(user_id),
        "plugins": {name: data for name, data in sorted(results)},
        "incomplete": sorted(failed),
    }


def export_file(data: dict[str, Any], limit: int = MAX_UPLOAD_BYTES) -> tuple[str, bytes]:
    """``(filename, content)`` of the export: JSON, gzipped when too large for one upload.

    Raises :class:`ExportTooLarge` when even the compressed file exceeds ``limit``.
    """
    name = f"guildhall-data-{data['user_id']}.json"
    content = json.dumps(data, indent=2, sort_keys=True, default=_json_value).encode()
    if len(content) <= limit:
        return name, content
    packed = gzip.compress(content)
    if len(packed) > limit:
        raise ExportTooLarge(f"{len(packed):,} bytes compressed; the limit is {limit:,}")
    return name + ".gz", packed


async def delete_user(plugins: PluginManager, user_id: int) -> DeletionReport:
    """Delete (or anonymise) everything about ``user_id``: plugins first, then core.

    First the deletion fence is committed (``core.services.user_fence``) and every worker is told
    to drop the user's buffered data (``core.services.privacy_bus``), so no buffered XP, activity
    or statistics can recreate rows afterwards. Idempotent: a second request finds
    nothing and reports zero rows.
    """
    report = DeletionReport()
    try:  # the fence first: no worker's later flush can write this user's older data
        await user_fence.record_deletion(user_id)
    except Exception:
        log.exception("recording the deletion fence failed; nothing was deleted")
        report.failed.append("core")
        return report
    await privacy_bus.broadcast_forget(user_id)  # workers drop the user's buffered data
    results = await plugins.acall(
        "guildhall_user_delete", failed=report.failed, user_id=user_id
    )
    report.rows.update({name: int(count) for name, count in results})
    if report.failed:  # keep core's rows: the retry needs no less than this attempt had
        return report
    # guild_members rows go with the users row (ON DELETE CASCADE) but are counted first
    members = await delete_members(user_id=user_id)
    report.rows["core"] = members + await delete_user_rows(
        user_id, {WebSession: "user_id", User: "user_id"}
    )
    return report


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in row.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
