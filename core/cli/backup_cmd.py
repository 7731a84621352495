"""``guildhall backup`` and ``guildhall restore FILE [--to URL] [--force]``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from core.backup.files import BackupError, DatabaseUnreachable
from core.backup.restore import engine_of_url, restore_backup
from core.backup.service import BackupResult, backup_now
from core.cli.common import (
    CliError,
    load_runtime,
    name_services,
    open_checked_database,
    pass_options,
)
from core.cli.failures import EXIT_DATABASE, EXIT_FAILED
from core.cli.progress_view import cli_progress
from core.db.database import close_database
from core.runtime.assembly import Runtime
from core.runtime.config import ConfigError, LoggingSettings, load_settings
from core.runtime.logging_setup import setup_logging
from core.runtime.progress import ProgressReport


def _exit_code(error: BackupError) -> int:
    return EXIT_DATABASE if isinstance(error, DatabaseUnreachable) else EXIT_FAILED


def row_count_table(title: str, tables: dict[str, int]) -> Table:
    """Row counts per table as a rich table."""
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in sorted(tables.items()):
        table.add_row(name, f"{rows:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{sum(tables.values()):,}[/bold]")
    return table


async def _backup(runtime: Runtime, report: ProgressReport) -> BackupResult:
    await open_checked_database(runtime)
    try:
        return await backup_now(runtime.settings, report=report)
    finally:
        await close_database()


@click.command()
@pass_options
def backup(options: dict) -> None:
    """Take a verified backup of the configured database now, then rotate old ones."""
    runtime = load_runtime(options)
    try:
        with cli_progress("backup", unit="bytes") as report:
            result = asyncio.run(_backup(runtime, report))
    except BackupError as exc:
        raise CliError(f"backup failed: {exc}", _exit_code(exc)) from None
    out = Console()
    manifest = result.manifest
    out.print(row_count_table(f"backup of {manifest.engine}", manifest.tables))
    for path in result.deleted:
        click.echo(f"rotated out {path.name}")
    click.secho(
        f"backup verified: {result.path} ({manifest.size_bytes:,} bytes, "
        f"sha256 {manifest.sha256[:16]}...)",
        fg="green",
    )


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "to_url", metavar="URL",
              help="Restore into this database instead of the configured one.")
@click.option("--force", is_flag=True, help="Overwrite a database that already has rows.")
@pass_options
def restore(options: dict, file: Path, to_url: str | None, force: bool) -> None:
    """Restore backup FILE (checksum, engine and emptiness are checked first)."""
    if to_url is None:
        to_url = load_runtime(options).settings.database.url.get_secret_value()
    else:  # progress lines in a pipe go to the log, as [logging] says
        try:
            setup_logging(load_settings(options.get("config_path")).logging)
        except ConfigError:
            setup_logging(LoggingSettings())
    name_services(options, to_url)
    try:
        engine_of_url(to_url)
        with cli_progress("restore", unit="bytes") as report:
            result = asyncio.run(restore_backup(file, to_url, force=force, report=report))
    except BackupError as exc:
        raise CliError(f"restore failed: {exc}", _exit_code(exc)) from None
    Console().print(row_count_table(f"restored into {result.target}", result.tables))
    click.secho(
        f"restore verified: row counts equal the manifest ({result.seconds:.1f} s)", fg="green"
    )
