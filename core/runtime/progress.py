"""Progress of long operator work: counts, rate and ETA, handed to one sink.

A long operation (a maintenance job, a backup, a restore, ``db upgrade``) calls its
:class:`Progress` as ``progress(stage, done, total)`` - the same shape as the backup's
``ProgressReport`` - from any thread. :class:`Progress` times each stage with its clock
(injectable: the rate and ETA maths are tested without waiting) and passes a
:class:`ProgressEvent` to its sink:

- :class:`LogProgress` logs a line at INFO when a stage starts, every ``interval``
  seconds, every ``step`` of the total and when a stage completes (the leader, pipes,
  log files);
- ``core.cli.progress_view`` draws a rich progress bar on a terminal;
- a test passes ``events.append``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Where one operation stands.

    Attributes:
        operation: what runs, e.g. ``"maintenance analytics.usage.archive"``.
        stage: the step within it (the operation's name when it has one step).
        done: units done in this stage (``None``: not countable, e.g. ``pg_dump``).
        total: units this stage will do (``None``: unknown).
        unit: what is counted (``rows``, ``bytes``, ``migrations``...).
        elapsed: seconds since the stage started, by the progress clock.
        rate: units per second over the stage so far (``None`` before any time passed).
        eta: seconds left at that rate (``None`` without a total or a rate).
    """

    operation: str
    stage: str
    done: int | None
    total: int | None
    unit: str
    elapsed: float
    rate: float | None
    eta: float | None

    @property
    def fraction(self) -> float | None:
        """``done / total`` (``None`` when either is unknown; 1.0 for an empty total)."""
        if self.done is None or self.total is None:
            return None
        return 1.0 if self.total <= 0 else min(self.done / self.total, 1.0)

    def describe(self) -> str:
        """One plain line: ``stage: 1,000 / 4,000 rows (25%), 500 rows/s, ETA 6 s``."""
        parts = [f"{self.operation}: {self.stage}" if self.stage != self.operation
                 else self.operation]
        if self.done is not None:
            count = f"{self.done:,}" if self.total is None else f"{self.done:,} / {self.total:,}"
            fraction = self.fraction
            percent = f" ({fraction:.0%})" if fraction is not None else ""
            parts.append(f"{count} {self.unit}{percent}")
        if self.rate is not None:
            parts.append(f"{self.rate:,.0f} {self.unit}/s")
        if self.fraction == 1.0:
            parts.append(f"done in {format_seconds(self.elapsed)}")
        elif self.eta is not None:
            parts.append(f"ETA {format_seconds(self.eta)}")
        return ", ".join(parts)


ProgressSink = Callable[[ProgressEvent], None]
ProgressReport = Callable[[str, int | None, int | None], None]
"""``report(stage, done, total)``: what a long operation is doing (counts may be None);
a :class:`Progress` is one."""


def no_report(stage: str, done: int | None = None, total: int | None = None) -> None:
    """A :data:`ProgressReport` that shows nothing."""


def format_seconds(seconds: float) -> str:
    """``42 s``, ``4 min 07 s``, ``2 h 05 min``."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """One operation's progress: call it as ``progress(stage, done, total)``; thread-safe.

    Each new ``stage`` restarts the rate's clock.
    """

    def __init__(self, operation: str, sink: ProgressSink, *, unit: str = "rows",
                 clock: Clock = time.monotonic) -> None:
        self.operation = operation
        self.unit = unit
        self._sink = sink
        self._clock = clock
        self._lock = threading.Lock()
        self._stage = operation
        self._started = clock()

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        """Report that ``stage`` has done ``done`` of ``total`` units (either may be unknown)."""
        with self._lock:
            now = self._clock()
            if stage != self._stage:
                self._stage, self._started = stage, now
            self._sink(self._event(now, done, total))

    def _event(self, now: float, done: int | None, total: int | None) -> ProgressEvent:
        elapsed = max(now - self._started, 0.0)
        rate = done / elapsed if done is not None and elapsed > 0 else None
        eta = None
        if rate and total is not None and done is not None:
            eta = max(total - done, 0) / rate
        return ProgressEvent(self.operation, self._stage, done, total, self.unit,
                             elapsed, rate, eta)


class LogProgress:
    """A sink that logs at INFO: a stage's first event, then at most one line per
    ``interval`` seconds or ``step`` of the total, and the event that completes it."""

    def __init__(self, logger: logging.Logger, *, interval: float = 10.0, step: float = 0.1,
                 clock: Clock = time.monotonic) -> None:
        self.logger = logger
        self.interval = interval
        self.step = step
        self._clock = clock
        self._stage: tuple[str, str] | None = None
        self._last_at = 0.0
        self._last_fraction = 0.0

    def __call__(self, event: ProgressEvent) -> None:
        """Log ``event`` when it is due (see the class docstring)."""
        if not self.logger.isEnabledFor(logging.INFO):
            return
        now = self._clock()
        fraction = event.fraction
        stage = (event.operation, event.stage)
        due = (
            stage != self._stage
            or (fraction == 1.0 and self._last_fraction < 1.0)
            or now - self._last_at >= self.interval
            or (fraction is not None and fraction - self._last_fraction >= self.step)
        )
        if not due:
            return
        self._stage, self._last_at = stage, now
        self._last_fraction = fraction or 0.0
        self.logger.info("%s", event.describe())


def logged_progress(operation: str, logger: logging.Logger, *, unit: str = "rows") -> Progress:
    """A :class:`Progress` whose events are logged by :class:`LogProgress` (the leader)."""
    return Progress(operation, LogProgress(logger), unit=unit)
