"""``guildhall db``: upgrade, check, status, makemigrations."""

from __future__ import annotations

import asyncio

import click

from core.cli.common import CliError, load_runtime, pass_options
from core.cli.failures import describe_failure
from core.cli.progress_view import cli_progress
from core.db.migration_lock import MigrationLockTimeout
from core.db.migrations import MigrationError


@click.group()
def db() -> None:
    """Database schema and migrations."""


@db.command("upgrade")
@pass_options
def upgrade(options: dict) -> None:
    """Apply pending migrations (under a lock; safe to run from several launchers)."""
    runtime = load_runtime(options)
    try:
        with cli_progress("db upgrade", unit="migrations") as report:
            applied = asyncio.run(runtime.upgrade(report))
    except MigrationLockTimeout as exc:
        raise CliError(str(exc)) from exc
    except MigrationError as exc:
        if describe_failure(exc, "", "") is not None:
            raise  # the database failed, not the migration: main() names it
        raise CliError(str(exc)) from exc
    for name in applied:
        click.echo(f"applied {name}")
    click.secho(
        f"database is at head ({len(applied)} migration(s) applied)", fg="green"
    )


@db.command("status")
@pass_options
def status(options: dict) -> None:
    """List migrations not yet applied to the configured database."""
    runtime = load_runtime(options)
    todo = asyncio.run(runtime.pending())
    for name in todo:
        click.echo(f"pending {name}")
    click.echo("up to date" if not todo else f"{len(todo)} pending")


@db.command("check")
@pass_options
def check(options: dict) -> None:
    """Exit non-zero when models and committed migrations disagree (either dialect)."""
    runtime = load_runtime(options)
    problems = asyncio.run(runtime.check())
    for problem in problems:
        click.secho(problem, fg="red", err=True)
    if problems:
        raise CliError(
            "models and migrations disagree; run `guildhall db makemigrations NAME`"
        )
    click.secho("models and migrations agree (sqlite and postgres)", fg="green")


@db.command("makemigrations")
@click.argument("name")
@click.option("--app", "apps", multiple=True, help="Only these apps (repeatable).")
@pass_options
def makemigrations(options: dict, name: str, apps: tuple[str, ...]) -> None:
    """Write migrations for changed models, for both dialects (developer command)."""
    if not name.replace("_", "").isalnum():
        raise CliError("NAME must be letters, digits and underscores, e.g. add_case_number",
                       exit_code=2)
    runtime = load_runtime(options)
    known = {app.name for app in runtime.migration_apps()}
    unknown = set(apps) - known
    if unknown:
        raise CliError(
            f"unknown app(s): {', '.join(sorted(unknown))}; apps: {', '.join(sorted(known))}",
            exit_code=2,
        )
    written = asyncio.run(runtime.make_migrations(name, only=set(apps) or None))
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        click.echo("no changes")
