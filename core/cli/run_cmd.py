"""``guildhall run``: the cluster launcher (plan, migrate, start workers, supervise)."""

from __future__ import annotations

import asyncio
import sys

import click

from cluster.launcher import LaunchError, launch
from cluster.planning import PlanError
from core.cli.common import CliError, load_runtime, pass_options
from core.web.login_config import login_warning

NO_TOKEN = """no Discord bot token is configured.

Set it in the environment (it is never read from config.toml):

    export DISCORD_TOKEN='your-bot-token'      # or GUILDHALL_DISCORD__TOKEN
    guildhall run

Get a token at https://discord.com/developers/applications -> your app -> Bot -> Reset Token,
and enable the Server Members and Message Content intents there."""


@click.command()
@click.option("--clusters", metavar="RANGE",
              help="Clusters this machine runs, e.g. 4-7 (default: [cluster] clusters, or all).")
@click.option("--total-clusters", type=click.IntRange(1), default=None,
              help="Expected number of clusters in the whole deployment (a safety check).")
@pass_options
def run(options: dict, clusters: str | None, total_clusters: int | None) -> None:
    """Plan the shards, apply pending migrations, then start and supervise the workers.

    \b
    One machine:        guildhall run
    Several machines:   guildhall run --clusters 4-7 --total-clusters 16   (needs Redis)
    """
    runtime = load_runtime(options)
    if not runtime.settings.discord.token.get_secret_value():
        raise CliError(NO_TOKEN, exit_code=2)
    warning = login_warning(runtime.settings.web) if runtime.settings.web.enabled else None
    if warning:
        click.echo(f"warning: {warning}", err=True)
    try:
        code = asyncio.run(launch(
            runtime, clusters=clusters, total_clusters=total_clusters,
            config_path=options.get("config_path"),
        ))
    except LaunchError as exc:
        raise CliError(str(exc), exit_code=2) from None
    except PlanError as exc:
        raise CliError(str(exc)) from None
    sys.exit(code)
