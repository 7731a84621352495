"""``guildhall sandbox``: the real bot against a local Discord double, no token needed."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler

from core.cli.common import CliError, load_runtime, pass_options
from core.runtime.assembly import Runtime
from core.runtime.config import mask_url
from core.testing.sandbox.chat import Chat
from core.testing.sandbox.isolation import SandboxTargetError, sandbox_target
from core.testing.sandbox.script import (
    ScriptError,
    ScriptRunner,
    builtin_scripts,
    parse_script,
    plugin_scripts,
    resolve_script,
)
from core.testing.sandbox.session import Sandbox


def _log_to_stderr(verbose: bool) -> None:
    """Keep stdout for the conversation: logs go to stderr, warnings and up unless -v."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_guildhall", False):
            root.removeHandler(handler)
    handler = RichHandler(console=Console(stderr=True), show_path=False)
    handler._guildhall = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if not verbose:
        root.setLevel(logging.WARNING)
        logging.getLogger("disnake.client").setLevel(logging.ERROR)  # "no voice support"


def _banner(runtime: Runtime, sandbox: Sandbox) -> str:
    demo = sandbox.demo
    url = mask_url(runtime.settings.database.url.get_secret_value())
    plugins = ", ".join(runtime.plugins.enabled) or "none"
    workers = len(sandbox.supervisor.slots) if sandbox.supervisor else 0
    return (
        f"sandbox: bot connected to a local Discord double ({workers} workers, "
        f"{sandbox.double.config.shard_count} shards); guild {demo.guild.name!r} #general; "
        f"database {url}; plugins: {plugins}"
    )


def _isolated(runtime: Runtime, workdir: Path, target: dict, console: Console) -> Runtime:
    """``runtime`` re-aimed at the sandbox's own database and keys; says which at start."""
    try:
        chosen = sandbox_target(runtime.settings, workdir, **target)
    except SandboxTargetError as exc:
        raise CliError(str(exc), exit_code=2) from None
    console.print(chosen.notice, markup=False)
    return Runtime(chosen.settings, runtime.plugins)


async def _play(
    runtime: Runtime, script: str, reply_timeout: float, quiet: float, options: dict,
    target: dict,
) -> bool:
    path = resolve_script(script, runtime.plugins)
    steps = parse_script(path.read_text(encoding="utf-8"), path.name)
    console = Console(highlight=False, soft_wrap=True)
    with tempfile.TemporaryDirectory(prefix="guildhall-sandbox-") as workdir:
        runtime = _isolated(runtime, Path(workdir), target, console)
        async with Sandbox(runtime, **options) as sandbox:
            console.print(_banner(runtime, sandbox), markup=False)
            runner = ScriptRunner(
                sandbox, lambda line: console.print(line, markup=False),
                timeout=reply_timeout, quiet=quiet,
            )
            outcome = await runner.run(steps, path.name)
    summary = f"{outcome.steps_run} step(s), {outcome.expectations_met} expectation(s) met"
    console.print(("PASSED: " if outcome.passed else "FAILED: ") + summary, markup=False)
    return outcome.passed


async def _chat(runtime: Runtime, options: dict, target: dict) -> None:
    from core.web.sandbox import serve_sandbox_dashboard

    console = Console(highlight=False)
    with tempfile.TemporaryDirectory(prefix="guildhall-sandbox-") as workdir:
        runtime = _isolated(runtime, Path(workdir), target, console)
        async with Sandbox(runtime, **options) as sandbox:
            console.print(_banner(runtime, sandbox), markup=False)
            dashboard = await serve_sandbox_dashboard(sandbox)
            for line in dashboard.lines():
                console.print(line, markup=False)
            try:
                await Chat(sandbox, console).run()
            finally:
                console.print("stopping the sandbox…", markup=False)
                await dashboard.stop()


@click.command()
@click.option("--script", "script", metavar="FILE|NAME",
              help="Play a scripted conversation and exit (non-zero if a reply is missing).")
@click.option("--timeout", default=15.0, show_default=True, type=click.FloatRange(0.1, 120),
              help="Seconds to wait for each expected reply.")
@click.option("--quiet-period", "quiet", default=0.4, show_default=True,
              type=click.FloatRange(0.05, 10), help="Seconds of silence meaning 'no reply'.")
@click.option("--list-scripts", is_flag=True,
              help="List the built-in scripts and the enabled plugins' scripts, and exit.")
@click.option("--database", "database", metavar="URL",
              help="Use this database instead of a throwaway one; no leader duties "
                   "(timers, maintenance, backups) run on it.")
@click.option("--redis", "redis", metavar="URL",
              help="Use this Redis (keys under guildhall-sandbox-<pid>) instead of none.")
@click.option("-v", "--verbose", is_flag=True, help="Show the bot's info logs (on stderr).")
@pass_options
def sandbox(
    options: dict, script: str | None, timeout: float, quiet: float, list_scripts: bool,
    database: str | None, redis: str | None, verbose: bool,
) -> None:
    """Chat with the real bot in a local Discord double (no Discord account or token).

    \b
    Runs on a throwaway SQLite database (deleted on exit), never the configured one:
    config.toml's database and Redis, DATABASE_URL and REDIS_URL are ignored. With
    --database URL it migrates and uses that database but runs no leader duties on it
    (no timers, maintenance or backups). Creates the demo guild "Guildhall Demo"
    (members admin, mod, alice, bob, carol; its data is reset on each start) and starts the
    bot as a cluster of 2 worker processes x 2 shards with the enabled plugins.
    Interactive runs also serve the web dashboard for the demo guild (its address is
    printed; log in as admin on the double's authorize page).
    \b
    Interactive:  guildhall sandbox
    Scripted:     guildhall sandbox --script demo      (or --script path/to/file.txt,
                  or a plugin's script: --script myplugin:tour; see --list-scripts)
    """
    runtime = load_runtime(options)
    if list_scripts:
        scripts = {**builtin_scripts(), **plugin_scripts(runtime.plugins)}
        for name, path in sorted(scripts.items()):
            click.echo(f"{name}\t{path}")
        return
    _log_to_stderr(verbose)
    start = {"verbose": verbose, "config_path": options.get("config_path")}
    target = {"database": database, "redis": redis}
    try:
        if script is not None:
            passed = asyncio.run(_play(runtime, script, timeout, quiet, start, target))
            sys.exit(0 if passed else 1)
        if not sys.stdin.isatty():
            raise CliError("interactive sandbox needs a terminal; use --script FILE",
                           exit_code=2)
        asyncio.run(_chat(runtime, start, target))
    except KeyboardInterrupt:  # Ctrl-C outside the prompt (it quits the prompt itself)
        return
    except ScriptError as exc:
        raise CliError(str(exc), exit_code=2) from None
