"""Prometheus metrics of a guildhall worker: see docs/operations.md "Metrics" for names and ports.

- :func:`start_exporter` / :func:`stop_exporter`: the ``/metrics`` endpoint of a process.
- :func:`flush_timer`: time a buffered-write flush (plugins use it for their buffers).
- :func:`record_command`: count a finished command with its outcome and duration.
- :func:`watch_bot` / :func:`unwatch_bot`: report a bot's shards, leader, buffers.
"""

from core.metrics.collector import unwatch_bot, watch_bot
from core.metrics.exporter import (
    Exporter,
    MetricsError,
    current_exporter,
    start_exporter,
    stop_exporter,
)
from core.metrics.instruments import command_outcome, flush_timer, record_command

__all__ = [
    "Exporter",
    "MetricsError",
    "command_outcome",
    "current_exporter",
    "flush_timer",
    "record_command",
    "start_exporter",
    "stop_exporter",
    "unwatch_bot",
    "watch_bot",
]
