"""How a CLI command shows its progress: a rich bar on a terminal, log lines otherwise.

``with cli_progress("backup", unit="bytes") as progress: ...`` gives the command a
:class:`core.runtime.progress.Progress` to call (from any thread). On a terminal the
events feed a rich progress bar (stage, bar, counts, rate, ETA) that disappears when the
command ends, leaving its result; in a pipe, a log file or CI they are logged at INFO
every ``LOG_INTERVAL`` seconds or ``LOG_STEP`` of the total (:class:`LogProgress`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn

from core.runtime.progress import Clock, LogProgress, ProgressEvent, format_seconds
from core.runtime.progress import Progress as OperationProgress

log = logging.getLogger("guildhall.progress")
LOG_INTERVAL = 10.0
LOG_STEP = 0.1


class RichProgressSink:
    """Draws each event on a rich progress bar (one bar, retitled per stage)."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self.bar = bar
        self.task = task

    def __call__(self, event: ProgressEvent) -> None:
        """Show ``event`` on the bar."""
        counts = ""
        if event.done is not None:
            counts = f"{event.done:,}" + (f"/{event.total:,}" if event.total is not None else "")
            counts += f" {event.unit}"
        rate = f"{event.rate:,.0f} {event.unit}/s" if event.rate is not None else ""
        eta = f"ETA {format_seconds(event.eta)}" if event.eta is not None else ""
        if event.fraction == 1.0:
            eta = f"done in {format_seconds(event.elapsed)}"
        self.bar.update(
            self.task, description=event.stage, completed=event.done or 0, total=event.total,
            counts=counts, rate=rate, eta=eta,
        )


def progress_bar(console: Console) -> Progress:
    """The bar's columns: spinner, stage, bar, counts, rate, ETA (transient)."""
    return Progress(
        SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
        TextColumn("{task.fields[counts]}"), TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[eta]}"), console=console, transient=True,
    )


@contextmanager
def cli_progress(operation: str, *, unit: str = "rows", console: Console | None = None,
                 clock: Clock | None = None) -> Iterator[OperationProgress]:
    """A :class:`~core.runtime.progress.Progress` shown as fits ``console`` (stderr)."""
    console = console or Console(stderr=True)
    extra = {"clock": clock} if clock is not None else {}
    if not console.is_terminal:
        sink = LogProgress(log, interval=LOG_INTERVAL, step=LOG_STEP, **extra)
        yield OperationProgress(operation, sink, unit=unit, **extra)
        return
    with progress_bar(console) as bar:
        task = bar.add_task(operation, total=None, counts="", rate="", eta="")
        yield OperationProgress(operation, RichProgressSink(bar, task), unit=unit, **extra)
