"""``guildhall config check``: validate and print the effective configuration."""

from __future__ import annotations

import click
from rich.console import Console
from rich.pretty import Pretty

from core.cli.common import load_runtime, pass_options
from core.runtime.config import effective_config


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("check")
@pass_options
def check(options: dict) -> None:
    """Validate config.toml + environment and print the result, secrets masked."""
    runtime = load_runtime(options)
    data = effective_config(runtime.settings)
    for name, value in runtime.plugins.plugin_settings.items():
        data["plugins"][name] = value.model_dump(mode="json") if value is not None else {}
    Console().print(Pretty(data, expand_all=True))
    click.secho("configuration OK", fg="green")
