"""PostgreSQL backups: ``pg_dump -Fc`` of an exported snapshot, verification, restore.

The row counts in the manifest are exact for the dump: a repeatable-read transaction
exports its snapshot, counts every table, and ``pg_dump --snapshot`` dumps that same
snapshot while the transaction stays open. The password reaches the client tools through
``PGPASSWORD``, never the command line.
"""

from __future__ import annotations

import asyncio
import glob
import os
import re
import secrets
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import asyncpg

from core.backup.files import (
    NOT_BACKED_UP,
    BackupError,
    DatabaseUnreachable,
    create_private,
    require_counts,
)
from core.backup.sqlite import MIGRATION_TABLES, quote_identifier
from core.runtime.progress import ProgressReport

TOOL_DIRS = "/usr/lib/postgresql/*/bin"
CLOSE_SECONDS = 2.0
TABLE_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", re.MULTILINE)
SSL_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
           "sslkey": "PGSSLKEY", "application_name": "PGAPPNAME"}
LIST_TABLES = """
    SELECT table_schema, table_name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE'
      AND table_schema NOT IN ('pg_catalog', 'information_schema')
      AND table_schema NOT LIKE 'pg\\_%'
    ORDER BY table_schema, table_name
"""


@dataclass(frozen=True)
class PgTarget:
    """Where a PostgreSQL database is, parsed from its URL."""

    host: str
    port: int
    user: str
    password: str
    database: str
    options: dict[str, str]

    @classmethod
    def from_url(cls, url: str) -> PgTarget:
        """Parse ``postgres://user:password@host:port/database?sslmode=...``."""
        parts = urlsplit(url)
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise BackupError("the PostgreSQL URL names no database (postgres://host/NAME)")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            database=database,
            options=dict(parse_qsl(parts.query)),
        )

    def with_database(self, database: str) -> PgTarget:
        """The same server, another database."""
        return PgTarget(self.host, self.port, self.user, self.password, database, self.options)

    def tool_args(self) -> list[str]:
        """Connection arguments for pg_dump/pg_restore (no password)."""
        return ["--host", self.host, "--port", str(self.port), "--username", self.user,
                "--no-password"]

    def tool_env(self) -> dict[str, str]:
        """The environment for the client tools, carrying the password and SSL options."""
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        for key, variable in SSL_ENV.items():
            if key in self.options:
                env[variable] = self.options[key]
        return env

    async def connect(self) -> asyncpg.Connection:
        """An asyncpg connection; :class:`BackupError` with the reason when it fails."""
        ssl = self.options.get("sslmode")
        try:
            return await asyncpg.connect(
                host=self.host, port=self.port, user=self.user,
                password=self.password or None, database=self.database, ssl=ssl,
            )
        except asyncpg.InvalidCatalogNameError:
            raise DatabaseUnreachable(
                f"database {self.database!r} does not exist on {self.host}:{self.port}; "
                f"create it first (createdb {self.database})"
            ) from None
        except (OSError, asyncpg.PostgresError) as exc:
            raise DatabaseUnreachable(
                f"cannot connect to PostgreSQL {self.host}:{self.port}/{self.database}: {exc}"
            ) from None


async def close_bounded(conn: asyncpg.Connection) -> None:
    """Close ``conn`` politely within ``CLOSE_SECONDS``, else drop its socket (a stopping
    backup must not wait on a server that does not answer)."""
    try:
        await conn.close(timeout=CLOSE_SECONDS)
    except Exception:  # timeout or a broken connection: the server ends the session
        conn.terminate()


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client tool (PATH, then /usr/lib/postgresql/*/bin)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"{TOOL_DIRS}/{name}")
    candidates.sort(key=lambda path: [int(p) for p in re.findall(r"\d+", path)] or [0])
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} not found on PATH or in {TOOL_DIRS}: install the PostgreSQL client tools "
        f"matching your server (e.g. apt install postgresql-client)"
    )


async def run_tool(args: list[str], env: dict[str, str], what: str) -> str:
    """Run a client tool; return its stdout or raise :class:`BackupError` with its stderr."""
    process = await asyncio.create_subprocess_exec(
        *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await process.communicate()
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    code = await process.wait()  # at once: communicate() has already reaped the process
    if code != 0:
        message = " | ".join(stderr.decode(errors="replace").strip().splitlines()[-5:])
        status = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
        if code == -signal.SIGXFSZ:
            status += ": file size limit exceeded"
        raise BackupError(f"{what} failed ({status}): {message or 'no error output'}")
    return stdout.decode(errors="replace")


def _table_key(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _not_backed_up(key: str) -> bool:
    """Whether the table ``key`` (``table`` or ``schema.table``) is left out of dumps."""
    return key.rpartition(".")[2] in NOT_BACKED_UP


async def table_row_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Rows per table in every user schema (``schema.table`` outside ``public``)."""
    counts: dict[str, int] = {}
    for schema, table in await conn.fetch(LIST_TABLES):
        sql = f"SELECT count(*) FROM {quote_identifier(schema)}.{quote_identifier(table)}"  # noqa: S608
        counts[_table_key(schema, table)] = await conn.fetchval(sql)
    return counts


async def first_table_with_rows(target: PgTarget) -> str | None:
    """A non-migration table of the database that has rows, or ``None``."""
    conn = await target.connect()
    try:
        for schema, table in await conn.fetch(LIST_TABLES):
            if table in MIGRATION_TABLES:
                continue
            sql = f"SELECT EXISTS (SELECT 1 FROM {quote_identifier(schema)}.{quote_identifier(table)})"  # noqa: S608,E501
            if await conn.fetchval(sql):
                return _table_key(schema, table)
        return None
    finally:
        await conn.close()


async def create_postgres_backup(url: str, partial: Path, report: ProgressReport) -> dict[str, int]:
    """``pg_dump -Fc`` into ``partial`` (``0600``, without the rows of
    :data:`NOT_BACKED_UP` tables); return the row counts of the dumped snapshot."""
    pg_dump = find_tool("pg_dump")
    target = PgTarget.from_url(url)
    conn = await target.connect()
    try:
        transaction = conn.transaction(isolation="repeatable_read", readonly=True)
        await transaction.start()
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
        report("count rows", None, None)
        counts = await table_row_counts(conn)
        for key in filter(_not_backed_up, counts):  # the dump holds their schema, no rows
            counts[key] = 0
        report("pg_dump", None, None)
        create_private(partial)
        await run_tool(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
             *(f"--exclude-table-data=*.{table}" for table in sorted(NOT_BACKED_UP)),
             *target.tool_args(), f"--dbname={target.database}"],
            target.tool_env(), "pg_dump",
        )
        await transaction.rollback()
    finally:
        await close_bounded(conn)
    return counts


async def listed_tables(backup: Path) -> set[str]:
    """Tables whose data the dump contains, from ``pg_restore --list``."""
    output = await run_tool(
        [find_tool("pg_restore"), "--list", str(backup)], dict(os.environ),
        f"pg_restore --list {backup.name}",
    )
    return {_table_key(schema, table) for schema, table in TABLE_DATA.findall(output)}


async def verify_postgres_backup(backup: Path, url: str, counts: dict[str, int],
                                 restore: bool, report: ProgressReport) -> None:
    """Check the dump lists every counted table; optionally restore it into a scratch DB."""
    report("pg_restore --list", None, None)
    listed = await listed_tables(backup)
    missing = sorted(k for k in counts if k not in listed and not _not_backed_up(k))
    if missing:
        raise BackupError(f"{backup.name}: tables missing from the dump: {', '.join(missing)}")
    if not restore:
        return
    server = PgTarget.from_url(url)
    scratch = f"guildhall_verify_{secrets.token_hex(6)}"
    admin = await server.connect()
    try:
        await admin.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
    except asyncpg.PostgresError as exc:
        await admin.close()
        raise BackupError(f"verify_restore: cannot create a scratch database: {exc}") from None
    try:
        report("restore into scratch database", None, None)
        restored = await _restore_and_count(backup, server.with_database(scratch), clean=False)
        require_counts(restored, counts, "scratch restore")
    finally:
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)',
                                timeout=CLOSE_SECONDS * 5)
        finally:
            await close_bounded(admin)


async def _restore_and_count(backup: Path, target: PgTarget, clean: bool) -> dict[str, int]:
    args = [find_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error",
            *target.tool_args(), f"--dbname={target.database}"]
    if clean:
        args[1:1] = ["--clean", "--if-exists"]
    await run_tool([*args, str(backup)], target.tool_env(), "pg_restore")
    conn = await target.connect()
    try:
        return await table_row_counts(conn)
    finally:
        await conn.close()


async def restore_postgres(backup: Path, url: str, expected: dict[str, int],
                           report: ProgressReport) -> dict[str, int]:
    """``pg_restore --clean --if-exists --no-owner`` into ``url`` in one transaction."""
    report("pg_restore --list", None, None)
    await listed_tables(backup)
    report("pg_restore", None, None)
    restored = await _restore_and_count(backup, PgTarget.from_url(url), clean=True)
    report("verify restored database", None, None)
    require_counts(restored, expected, "restored database")
    return restored
