"""``guildhall status``: one table for the whole deployment, every machine's workers."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from core.cli.common import CliError, load_runtime, pass_options
from core.cli.failures import EXIT_FAILED, describe_failure
from core.runtime.cluster_ranges import compact
from core.runtime.worker_status import WorkerStatus, read_statuses


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


def status_rows(statuses: list[WorkerStatus], stale_seconds: float, now: float) -> list[dict]:
    """Plain data per worker, with ``stale`` and ``age_seconds`` (the ``--json`` output)."""
    rows = []
    for status in statuses:
        row = asdict(status)
        row["latencies"] = {str(k): v for k, v in status.latencies.items()}
        row["stale"] = status.is_stale(stale_seconds, now)
        row["age_seconds"] = round(status.age(now), 1)
        rows.append(row)
    return rows


def status_table(statuses: list[WorkerStatus], stale_seconds: float, now: float) -> Table:
    """The rich table: one row per cluster, stale workers marked in red."""
    table = Table(title="guildhall cluster status")
    for column in ("cluster", "shards", "host", "pid", "state", "guilds", "latency",
                   "events/s", "memory", "leader", "last report"):
        table.add_column(column, justify="right" if column in ("guilds", "events/s") else "left")
    for status in statuses:
        stale = status.is_stale(stale_seconds, now)
        state = Text(f"STALE ({status.state})", style="bold red") if stale else Text(
            status.state, style="green" if status.state == "ready" else "yellow")
        latency = status.worst_latency
        table.add_row(
            str(status.cluster), f"{compact(status.shard_ids)} of {status.shard_count}",
            status.host, str(status.pid), state, f"{status.guilds:,}",
            "-" if latency is None else f"{latency * 1000:.0f} ms",
            f"{status.events_per_second:.1f}", f"{status.rss_bytes / 2**20:.0f} MiB",
            "yes" if status.leader else "", _age(status.age(now)),
        )
    return table


def summary(statuses: list[WorkerStatus], stale_seconds: float, now: float) -> str:
    """One line: clusters, stale ones, guilds, who leads."""
    stale = [s.cluster for s in statuses if s.is_stale(stale_seconds, now)]
    leaders = [s.cluster for s in statuses if s.leader and s.cluster not in stale]
    guilds = sum(s.guilds for s in statuses
                 if s.state not in ("stopped", "failed") and s.cluster not in stale)
    lead = f"leader: cluster {compact(leaders)}" if leaders else "no leader reported"
    return (f"{len(statuses)} cluster(s), {len(stale)} stale"
            f"{' (' + compact(stale) + ')' if stale else ''}, {guilds:,} guild(s), {lead}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per worker).")
@pass_options
def status(options: dict, as_json: bool) -> None:
    """Show every worker of the deployment (all machines when Redis is configured)."""
    runtime = load_runtime(options)
    settings = runtime.settings
    try:
        statuses = asyncio.run(read_statuses(settings))
    except Exception as exc:
        failure = describe_failure(exc, options.get("database", ""), options.get("redis", ""))
        raise failure or CliError(f"cannot read the status reports: {exc}") from None
    now = time.time()
    stale_seconds = settings.cluster.status_stale_seconds
    if as_json:
        click.echo(json.dumps(status_rows(statuses, stale_seconds, now), indent=2))
    if not statuses:
        where = "Redis" if settings.redis.url.get_secret_value() else (
            settings.cluster.status_directory)
        raise CliError(f"no worker has reported yet ({where}); is `guildhall run` running?",
                       exit_code=EXIT_FAILED)
    if as_json:
        return
    console = Console(width=160)
    console.print(status_table(statuses, stale_seconds, now))
    console.print(summary(statuses, stale_seconds, now), markup=False)
