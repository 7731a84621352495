"""``guildhall maintenance run`` and ``guildhall db check-integrity``."""

from __future__ import annotations

import asyncio

import click
from rich.console import Console
from rich.table import Table

from core.cli.common import CliError, load_runtime, open_checked_database, pass_options
from core.cli.progress_view import cli_progress
from core.db.database import close_database
from core.maintenance.engine import JobReport, MaintenanceEngine, UnknownJobError
from core.maintenance.integrity import CheckOutcome, collect_checks, run_checks
from core.runtime.assembly import Runtime
from core.runtime.progress import ProgressReport, no_report


def _console() -> Console:
    return Console(width=160, soft_wrap=True)


@click.group()
def maintenance() -> None:
    """Retention, archiving, rollups, integrity checks and database care."""


@maintenance.command("run")
@click.option("--job", "jobs", multiple=True, metavar="NAME",
              help="Run only this job (repeatable); default: every job.")
@click.option("--dry-run", is_flag=True, help="Count what would change; change nothing.")
@pass_options
def run_maintenance(options: dict, jobs: tuple[str, ...], dry_run: bool) -> None:
    """Run maintenance jobs now, whatever their schedule, showing each job's progress.

    A manual run is not fenced by the leader's epoch (it never deposes the leader);
    each batch is still one transaction. Its runs are recorded in maintenance_runs
    (dry runs are not) and count as the job's run for the current window.
    """
    runtime = load_runtime(options)
    engine = MaintenanceEngine(runtime.settings, runtime.plugins)
    try:
        engine.select(list(jobs))
    except UnknownJobError as exc:
        raise CliError(str(exc), exit_code=2) from None
    if dry_run:  # counts only: quick, and its results are the table alone
        reports = asyncio.run(_run_jobs(runtime, engine, list(jobs), dry_run, no_report))
    else:
        with cli_progress("maintenance") as report:
            reports = asyncio.run(_run_jobs(runtime, engine, list(jobs), dry_run, report))
    _print_reports(reports, dry_run)
    if not all(report.ok for report in reports):
        raise CliError("some maintenance jobs failed (see the table above)")


async def _run_jobs(
    runtime: Runtime, engine: MaintenanceEngine, jobs: list[str], dry_run: bool,
    report: ProgressReport,
) -> list[JobReport]:
    await open_checked_database(runtime)
    try:
        return await engine.run_jobs(jobs, dry_run=dry_run, report=report)
    finally:
        await close_database()


def _print_reports(reports: list[JobReport], dry_run: bool) -> None:
    title = "maintenance dry run (nothing changed)" if dry_run else "maintenance run"
    table = Table(title=title)
    for column in ("job", "owner", "rows", "seconds", "result", "detail"):
        table.add_column(column, justify="right" if column in ("rows", "seconds") else "left")
    for r in reports:
        result = "[green]ok[/]" if r.ok else "[red]FAILED[/]"
        table.add_row(r.name, r.owner, str(r.rows), f"{r.seconds:.3f}", result, r.detail)
    _console().print(table)


@click.command("check-integrity")
@pass_options
def check_integrity(options: dict) -> None:
    """Run every integrity check; print the problems; exit 1 when there is any."""
    runtime = load_runtime(options)
    outcomes = asyncio.run(_check(runtime))
    table = Table(title="integrity checks")
    for column in ("check", "owner", "result", "problems"):
        table.add_column(column)
    for outcome in outcomes:
        table.add_row(outcome.name, outcome.owner, _result(outcome), _problems(outcome))
    _console().print(table)
    bad = [o.name for o in outcomes if not o.ok]
    if bad:
        raise CliError(f"integrity violations in: {', '.join(bad)}")
    click.secho("all integrity checks passed", fg="green")


async def _check(runtime: Runtime) -> list[CheckOutcome]:
    await open_checked_database(runtime)
    try:
        return await run_checks(collect_checks(runtime.plugins, runtime.settings))
    finally:
        await close_database()


def _result(outcome: CheckOutcome) -> str:
    if outcome.error:
        return "[red]ERROR[/]"
    return "[green]ok[/]" if not outcome.problems else f"[red]{len(outcome.problems)} problem(s)[/]"


def _problems(outcome: CheckOutcome) -> str:
    if outcome.error:
        return f"check failed: {outcome.error}"
    return "\n".join(outcome.problems)
