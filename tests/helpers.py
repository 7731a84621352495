"""Shared test helpers (raw SQL access for checks that must bypass the ORM)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections

from core.bot.errors import GENERIC_FAILURE

ROOT = Path(__file__).resolve().parent.parent
NOTES_DIST = ROOT / "tests" / "fixtures" / "notes_dist"
# What a user sees when a command hit a bug, up to the reference (from its one source).
UNHANDLED_ERROR = GENERIC_FAILURE.partition("{ref}")[0]


# "Nothing written" leaves these out: what background work and any command use write by
# design, never what a command was asked to do. Command statistics record every use; the
# leader's fence and maintenance runs are written by the leader's own duties.
DIGEST_SKIPPED_TABLES = frozenset({"command_stats", "command_stats_weekly", "leader_fence",
                                   "maintenance_runs"})
# The activity flush refreshes every invoker's name and last activity (``users``).
DIGEST_SKIPPED_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset({"username", "last_seen"}),
}


async def table_digests() -> dict[str, str]:
    """A SHA-256 per table of every registered model (core and every enabled plugin): all
    rows in primary-key order, every column but :data:`DIGEST_SKIPPED_COLUMNS`, read with
    raw SQL so no ORM conversion hides a change. Two snapshots differ for a table when any
    row was inserted, deleted or updated in it (tables in :data:`DIGEST_SKIPPED_TABLES` are
    left out). Flush the bot's buffers first (``await bot.flush()``) so nothing buffered
    lands between two snapshots."""
    digests = {}
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            table = meta.db_table
            if table in DIGEST_SKIPPED_TABLES:
                continue
            skipped = DIGEST_SKIPPED_COLUMNS.get(table, frozenset())
            columns = sorted(set(meta.fields_db_projection.values()) - skipped)
            # identifiers from the models' own metadata, never user text
            selected = ", ".join(f'"{column}"' for column in columns)
            sql = f'SELECT {selected} FROM "{table}" ORDER BY "{meta.db_pk_column}"'
            _, rows = await meta.db.execute_query(sql)
            digest = hashlib.sha256()
            for row in rows:
                values = tuple(row.values()) if isinstance(row, dict) else tuple(row)
                digest.update(repr(values).encode() + b"\n")
            digests[table] = digest.hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Tables whose rows differ between two :func:`table_digests` snapshots."""
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


async def fetch(sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of a raw query on the open test database, as tuples."""
    _, rows = await connections.get("default").execute_query(sql, params or [])
    return [tuple(row) if not isinstance(row, dict) else tuple(row.values()) for row in rows]


async def waiting_on_a_lock(table: str) -> bool:
    """PostgreSQL: whether a session of the test database waits for a lock in a statement
    naming ``table`` (another transaction holds a row it writes)."""
    rows = await fetch(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE $1", [f"%{table}%"])
    return int(rows[0][0]) > 0


async def execute(sql: str, params: list[Any] | None = None) -> int:
    """Run a raw statement; return the affected row count."""
    count, _ = await connections.get("default").execute_query(sql, params or [])
    return count


def guildhall(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real ``guildhall`` CLI in a subprocess (same interpreter)."""
    return subprocess.run(
        [sys.executable, "-c", "from core.cli import main; main()", *args],
        capture_output=True, text=True, env=env, cwd=cwd or ROOT, timeout=timeout,
    )


async def refuse_writes(engine: str, refuse: bool, table: str, operation: str = "INSERT") -> None:
    """Make the database refuse (or accept again) ``operation`` on ``table``, as a read-only
    database does: SQLite ``PRAGMA query_only`` (every write); on PostgreSQL a trigger that
    answers SQLSTATE 25006 (what a hot standby answers). ``table``/``operation`` are the
    test's own constants (identifiers cannot be bound parameters; checked here)."""
    if not table.isidentifier() or operation not in ("INSERT", "UPDATE", "DELETE"):
        raise ValueError(f"not a table and write operation: {table!r} {operation!r}")
    if engine == "sqlite":
        await execute("PRAGMA query_only = ON" if refuse else "PRAGMA query_only = OFF")
        return
    trigger = f"refuse_{operation.lower()}_{table}"
    if not refuse:
        await execute(f"DROP TRIGGER {trigger} ON {table}")
        return
    await execute(f"""
        CREATE OR REPLACE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'cannot execute {operation} in a read-only transaction'
            USING ERRCODE = '25006'; END $$""")
    await execute(f"CREATE TRIGGER {trigger} BEFORE {operation} ON {table} "
                  f"FOR EACH STATEMENT EXECUTE FUNCTION {trigger}()")
