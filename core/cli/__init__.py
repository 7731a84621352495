"""The ``guildhall`` command line: ``run``, ``config check``, ``db ...``, ``plugins``."""

from __future__ import annotations

import sys

import click

from core.cli.backup_cmd import backup, restore
from core.cli.common import CliError, installed_version, pass_options
from core.cli.config_cmd import config
from core.cli.db_cmd import db
from core.cli.docs_cmd import docs
from core.cli.failures import EXIT_ABORTED, EXIT_FAILED, describe_failure
from core.cli.maintenance_cmd import check_integrity, maintenance
from core.cli.plugin_cmd import plugin
from core.cli.plugins_cmd import plugins
from core.cli.run_cmd import run
from core.cli.sandbox_cmd import sandbox
from core.cli.status_cmd import status
from core.cli.web_cmd import web


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="GUILDHALL_CONFIG",
    help="Config file (default: ./config.toml; env GUILDHALL_CONFIG).",
)
@click.version_option(version=installed_version(), prog_name="guildhall")
@pass_options
def cli(options: dict, config_path: str | None) -> None:
    """guildhall: a Discord bot platform for large deployments.

    \b
    Run the bot:            guildhall run
    Check configuration:    guildhall config check
    Migrate the database:   guildhall db upgrade
    List plugins:           guildhall plugins
    Write a plugin:         guildhall plugin new NAME
    """
    options["config_path"] = config_path


cli.add_command(run)
cli.add_command(config)
cli.add_command(db)
cli.add_command(plugins)
cli.add_command(plugin)
cli.add_command(sandbox)
cli.add_command(status)
cli.add_command(web)
cli.add_command(backup)
cli.add_command(restore)
cli.add_command(maintenance)
db.add_command(check_integrity)
db.add_command(docs)


def main() -> None:
    """Console-script entry point: readable errors, no tracebacks for expected failures."""
    options: dict = {}
    try:
        try:
            cli.main(standalone_mode=False, obj=options)
        except (click.exceptions.Abort, click.ClickException, CliError, SystemExit):
            raise
        except Exception as exc:
            failure = describe_failure(
                exc, options.get("database", "(not configured)"), options.get("redis", "")
            )
            if failure is None and isinstance(exc, OSError) and exc.filename:
                failure = CliError(f"{exc.strerror or exc}: {exc.filename}", EXIT_FAILED)
            if failure is None:
                raise  # a bug: keep the traceback
            raise failure from None
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("aborted", err=True)
        sys.exit(EXIT_ABORTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CliError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(exc.exit_code)

