"""The metric objects a worker updates as it works (histograms and counters).

Values read from state at scrape time (latency, buffers, leader, cluster-wide database
values) are produced by :mod:`core.metrics.collector` instead. Nothing here runs per
message: gateway events are counted by :class:`core.bot.dispatch.BatchedDispatch` in a plain
dict, commands and database queries cost one histogram observation each.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

from core.bot.errors import user_message

COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
FLUSH_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

COMMAND_SECONDS = Histogram(
    "guildhall_command_duration_seconds",
    "Commands run, by name, kind (prefix, slash, user, message) and outcome "
    "(ok, user_error, failure); _count is the number of commands.",
    ("command", "kind", "outcome"),
    buckets=COMMAND_BUCKETS,
)
DB_QUERY_SECONDS = Histogram(
    "guildhall_db_query_duration_seconds",
    "Database statements by client operation (query, query_dict, insert, many, script).",
    ("operation",),
    buckets=DB_BUCKETS,
)
DB_QUERY_ERRORS = Counter(
    "guildhall_db_query_errors_total",
    "Database statements that raised, by client operation.",
    ("operation",),
)
FLUSH_SECONDS = Histogram(
    "guildhall_buffer_flush_duration_seconds",
    "Time to write one buffered-write batch, by buffer.",
    ("buffer",),
    buckets=FLUSH_BUCKETS,
)
FLUSH_FAILURES = Counter(
    "guildhall_buffer_flush_failures_total",
    "Buffer flushes that raised (the data is kept for the next flush), by buffer.",
    ("buffer",),
)


def command_outcome(error: BaseException | None) -> str:
    """``ok``, ``user_error`` (bad input, permissions, cooldown) or ``failure`` (a bug)."""
    if error is None:
        return "ok"
    return "user_error" if user_message(error) is not None else "failure"


def record_command(command: str, kind: str, error: BaseException | None, started: float) -> None:
    """Count one finished command and its duration since ``started`` (perf_counter)."""
    COMMAND_SECONDS.labels(command, kind, command_outcome(error)).observe(
        time.perf_counter() - started
    )


@contextmanager
def flush_timer(buffer: str) -> Iterator[None]:
    """Time one flush of ``buffer`` (``"<plugin>.<what>"``); a raised error is counted.

    ``with flush_timer("leveling.xp"): await self.buffer.flush()``
    """
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        FLUSH_FAILURES.labels(buffer).inc()
        raise
    finally:
        FLUSH_SECONDS.labels(buffer).observe(time.perf_counter() - started)


GATEWAY_DISCONNECTS = Counter(
    "guildhall_gateway_disconnects_total",
    "Times a shard's gateway connection dropped (it then RESUMEs or IDENTIFYs), by shard.",
    ("shard",),
)
