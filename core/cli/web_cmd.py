"""``guildhall web``: serve the dashboard on its own (``guildhall run`` also starts it
when ``[web] enabled = true``)."""

from __future__ import annotations

import asyncio

import click

from core.cli.common import load_runtime, pass_options


@click.command()
@click.option("--host", help="Listen address (default: [web] host).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: [web] port).")
@pass_options
def web(options: dict, host: str | None, port: int | None) -> None:
    """Serve the web dashboard (public pages, admin settings, /status)."""
    from core.web.login_config import login_warning
    from core.web.server import run_web

    settings = load_runtime(options).settings
    changes = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    if changes:
        settings = settings.model_copy(
            update={"web": settings.web.model_copy(update=changes)}
        )
    click.echo(f"dashboard: {settings.web.base_url()} (Ctrl-C stops it)")
    warning = login_warning(settings.web)

    def warn_once_serving() -> None:
        if warning:
            click.echo(f"warning: {warning}", err=True)

    asyncio.run(run_web(settings, on_serving=warn_once_serving))
