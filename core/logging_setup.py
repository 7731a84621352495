"""Logging: readable (rich) on a terminal, JSON lines when configured; per-logger levels."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from rich.console import Console
from rich.logging import RichHandler

from core.config import LoggingSettings


class JsonFormatter(logging.Formatter):
    """One JSON object per line with time, level, logger, message and extra context."""

    CONTEXT_KEYS = ("cluster", "shard", "guild", "plugin")

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


def setup_logging(settings: LoggingSettings) -> None:
    """Configure the root logger once per process from ``[logging]``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_guildhall", False):
            root.removeHandler(handler)
    handler: logging.Handler
    if settings.json_format:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        handler = RichHandler(
            console=Console(stderr=True), show_path=False, rich_tracebacks=False
        )
    handler._guildhall = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.level)
    for name, level in settings.loggers.items():
        logging.getLogger(name).setLevel(level)
