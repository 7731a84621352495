"""``guildhall plugin new NAME [--dir D]``: start a plugin package in one command."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from core.cli.common import CliError
from core.plugins.scaffold.generate import ScaffoldError, check_name, new_plugin


@click.group()
def plugin() -> None:
    """Write plugins (``guildhall plugins`` lists the installed ones)."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="Create the package folder guildhall-NAME inside this directory.")
def new(name: str, directory: Path) -> None:
    """Create a ready plugin package NAME: entry point, models, migrations, tests, CI."""
    try:
        check_name(name)
        target = asyncio.run(new_plugin(name, directory))
    except ScaffoldError as exc:
        raise CliError(str(exc), exit_code=2) from None
    click.echo(f"created {target}")
    click.echo(f"next: cd {target} && pip install -e '.[testing]' && pytest")
