"""``guildhall db docs``: the data documentation rendered from the models."""

from __future__ import annotations

import asyncio
import difflib
from pathlib import Path

import click

from core.cli.common import CliError, load_runtime, pass_options
from core.db.docs import LifecycleMissing, collect
from core.db.docs_render import REFRESH, render_markdown

DEFAULT_PATH = Path("docs") / "DATABASE.md"
DIFF_LINES = 40


def _difference(committed: str, fresh: str, path: Path) -> str:
    diff = list(difflib.unified_diff(
        committed.splitlines(), fresh.splitlines(),
        fromfile=f"{path} (committed)", tofile="generated from the models", lineterm="", n=1,
    ))
    shown = diff[:DIFF_LINES]
    if len(diff) > DIFF_LINES:
        shown.append(f"... ({len(diff) - DIFF_LINES} more diff lines)")
    return "\n".join(shown)


@click.command("docs")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Markdown to this file instead of printing it.")
@click.option("--check", is_flag=True,
              help=f"Exit 1 when the file (--output, default {DEFAULT_PATH}) differs "
              "from the generated documentation; write nothing.")
@pass_options
def docs(options: dict, output: Path | None, check: bool) -> None:
    """Render the data documentation (tables, columns, indexes, lifecycle, jobs) as Markdown.

    Generated from the models of core and the enabled plugins; nothing connects to the
    database. After changing models run ``guildhall db docs --output docs/DATABASE.md``.
    """
    runtime = load_runtime(options)
    try:
        text = render_markdown(asyncio.run(collect(runtime)))
    except LifecycleMissing as exc:
        raise CliError(str(exc)) from None
    if check:
        path = output or DEFAULT_PATH
        if not path.is_file():
            raise CliError(f"{path} does not exist; run `{REFRESH}` and commit it")
        committed = path.read_text(encoding="utf-8")
        if committed != text:
            click.echo(_difference(committed, text, path), err=True)
            raise CliError(
                f"{path} differs from the documentation generated from the models; "
                f"run `{REFRESH}` and commit it"
            )
        click.secho(f"{path} matches the models", fg="green")
        return
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} ({len(text.splitlines())} lines)")
