"""Logging: readable (rich) on a terminal, JSON lines when configured; per-logger levels.

Every record gets the context of the work it belongs to (cluster, shard, guild, plugin;
see :mod:`core.runtime.log_context`): as fields of the JSON object, or nothing extra in the
readable format.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from rich.console import Console
from rich.logging import RichHandler

from core.runtime.config import LoggingSettings
from core.runtime.log_context import CONTEXT_FIELDS, ContextFilter

# Loggers that are noisy at INFO; [logging] loggers adds to (or overrides) these.
DEFAULT_LOGGER_LEVELS = {"disnake": "WARNING", "tortoise": "WARNING", "aiosqlite": "WARNING"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line with time, level, logger, message and extra context."""

    CONTEXT_KEYS = CONTEXT_FIELDS

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.CONTEXT_KEYS:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def logger_levels(settings: LoggingSettings) -> dict[str, str]:
    """The level of each named logger: the defaults, then ``[logging] loggers`` over them."""
    return {**DEFAULT_LOGGER_LEVELS, **settings.loggers}


_configured: set[str] = set()


def setup_logging(settings: LoggingSettings) -> None:
    """Configure the root logger from ``[logging]`` (again on every call, idempotently).

    The root level is ``level``; each logger in :func:`logger_levels` gets its own level
    (more or less verbose than the root). Loggers configured by an earlier call and no
    longer listed go back to inheriting the root level.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_guildhall", False):
            root.removeHandler(old)
    handler: logging.Handler
    if settings.json_format:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(
            console=Console(stderr=True), show_path=False, rich_tracebacks=False
        )
    handler.addFilter(ContextFilter())
    handler._guildhall = True  # type: ignore[union-attr]  # marks ours: the next setup replaces it
    root.addHandler(handler)
    root.setLevel(settings.level)
    levels = logger_levels(settings)
    for name in _configured - levels.keys():
        logging.getLogger(name).setLevel(logging.NOTSET)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    _configured.clear()
    _configured.update(levels)
