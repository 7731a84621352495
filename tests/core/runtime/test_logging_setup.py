"""``[logging]``: per-logger levels (config file to effect), JSON lines with context fields."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from core.runtime import log_context
from core.runtime.config import ConfigError, LoggingSettings, load_settings
from core.runtime.logging_setup import DEFAULT_LOGGER_LEVELS, setup_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root handlers and the touched logger levels back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = [*DEFAULT_LOGGER_LEVELS, "gh_probe.verbose", "gh_probe.quiet", "gh_probe"]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)
    log_context.set_cluster(None)


def json_stream() -> io.StringIO:
    """Point the JSON handler installed by setup_logging at a string buffer."""
    stream = io.StringIO()
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "_guildhall", False)]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_logger_levels_from_the_config_file_take_effect(
    tmp_path: Path, restore_logging: None
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[logging]\nlevel = "warning"\njson_format = true\n'
        'loggers = { "gh_probe.verbose" = "debug", "gh_probe.quiet" = "ERROR" }\n'
    )
    settings = load_settings(config).logging
    assert settings.level == "WARNING" and settings.loggers["gh_probe.verbose"] == "DEBUG"
    setup_logging(settings)
    stream = json_stream()
    logging.getLogger("gh_probe.verbose").debug("verbose debug")
    logging.getLogger("gh_probe.verbose.child").info("child of verbose")
    logging.getLogger("gh_probe").info("root-level info")  # root is WARNING: dropped
    logging.getLogger("gh_probe.quiet").warning("quiet warning")  # ERROR: dropped
    logging.getLogger("gh_probe").warning("root-level warning")
    assert [line["message"] for line in lines(stream)] == [
        "verbose debug", "child of verbose", "root-level warning"
    ]
    # the defaults stay when the file names other loggers
    assert logging.getLogger("disnake").level == logging.WARNING

    setup_logging(LoggingSettings(level="INFO"))  # reconfigured without gh_probe.*
    assert logging.getLogger("gh_probe.verbose").level == logging.NOTSET
    assert logging.getLogger("gh_probe.quiet").level == logging.NOTSET


def test_a_bad_logger_level_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[logging]\nloggers = { "plugins.economy" = "LOUD" }\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert "logging.loggers.plugins.economy = 'LOUD'" in str(caught.value)
    assert "'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'" in str(caught.value)
    config.write_text('[logging]\nloggers = { "" = "INFO" }\n')
    with pytest.raises(ConfigError, match="logger names must be non-empty"):
        load_settings(config)


def test_json_lines_carry_cluster_shard_guild_and_plugin(restore_logging: None) -> None:
    setup_logging(LoggingSettings(json_format=True))
    stream = json_stream()
    log_context.set_cluster(3)
    row = SimpleNamespace(guild_id=(1234 << 22) | 5)  # a timer row of guild (1234 << 22) | 5
    bot = SimpleNamespace(shard_count=4)
    with log_context.scope("reminders", row, bot):
        logging.getLogger("core.timers.scheduler").info("handled")
        logging.getLogger("core.timers.scheduler").info("explicit", extra={"guild": 1})
    logging.getLogger("core.timers.scheduler").info("outside")
    handled, explicit, outside = lines(stream)
    assert handled["cluster"] == 3 and handled["plugin"] == "reminders"
    assert handled["guild"] == row.guild_id and handled["shard"] == 1234 % 4
    assert explicit["guild"] == 1  # a value passed by the caller wins
    assert outside["cluster"] == 3 and "guild" not in outside and "plugin" not in outside
