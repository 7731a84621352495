"""``guildhall plugins``: what is installed, what it owns, what is enabled."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from core.cli.common import load_runtime, pass_options
from core.plugins.manager import model_tables


@click.command()
@pass_options
def plugins(options: dict) -> None:
    """List plugins: name, version, source, tables owned, enabled."""
    runtime = load_runtime(options)
    table = Table(title="guildhall plugins")
    for column in ("name", "version", "source", "tables", "enabled"):
        table.add_column(column)
    for info in runtime.plugins.infos():
        tables = ""
        if info.enabled:
            module = runtime.plugins.first_result(info.name, "guildhall_models")
            tables = ", ".join(model_tables(module)) if module else "-"
        table.add_row(info.name, info.version, info.source, tables or "(not loaded)",
                      "yes" if info.enabled else "no")
    Console(width=140).print(table)
