"""Shared CLI plumbing: options object, runtime loading, readable errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import metadata
from typing import Any

import click
from tortoise import connections

from core.db.database import close_database
from core.plugins.manager import PluginError
from core.runtime.assembly import Runtime
from core.runtime.config import ConfigError, mask_url
from core.runtime.logging_setup import setup_logging

DISTRIBUTION = "guildhall-bot"  # the name on the package index ("guildhall" is taken)


def installed_version() -> str:
    """The installed distribution's version (also under its former name, ``guildhall``)."""
    for name in (DISTRIBUTION, "guildhall"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "unknown (not installed)"


class CliError(Exception):
    """An expected failure: printed as one readable message, exit code ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def pass_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the group's options dict (``ctx.obj``) as the first argument."""

    @click.pass_context
    @functools.wraps(function)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        ctx.ensure_object(dict)
        return function(ctx.obj, *args, **kwargs)

    return wrapper


def load_runtime(options: dict) -> Runtime:
    """Load settings and plugins, turning configuration problems into a CliError."""
    try:
        runtime = Runtime.load(options.get("config_path"))
    except (ConfigError, PluginError) as exc:
        raise CliError(str(exc), exit_code=2) from None
    setup_logging(runtime.settings.logging)
    name_services(options, runtime.settings.database.url.get_secret_value(),
                  runtime.settings.redis.url.get_secret_value())
    return runtime


def name_services(options: dict, database_url: str | None, redis_url: str | None = None) -> None:
    """Remember which database and Redis the command uses, masked, for its error line."""
    if database_url is not None:
        options["database"] = mask_url(database_url)
    if redis_url is not None:
        options["redis"] = mask_url(redis_url)


async def open_checked_database(runtime: Runtime) -> None:
    """Initialise the ORM and run one query, so an unusable database fails here, once,
    instead of inside every check or job that would use it."""
    try:
        await runtime.open_database()
        await connections.get("default").execute_query("SELECT 1")
    except BaseException:
        await close_database()  # an open SQLite thread would keep the process alive
        raise
