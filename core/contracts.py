"""Value types that plugins hand to core through hooks.

They are declared here, beside the hookspecs, so a plugin author reads the whole contract
in two files. The engines that consume them (scheduler, maintenance) live in their own
modules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tortoise.models import Model


@dataclass(frozen=True, slots=True)
class TimerSource:
    """A table whose rows fall due at a time stored in one of its columns.

    The leader's scheduler sleeps until the earliest due row over all sources, claims it
    atomically and calls ``handler(row)``. The handler returns ``True`` when the action
    succeeded or became moot (the row is then finished) and ``False`` to retry later.

    Attributes:
        name: unique name, conventionally ``"<plugin>.<what>"``.
        model: the Tortoise model holding the rows.
        due_column: the datetime column that says when a row is due.
        pending_filter: filter kwargs selecting rows that are still waiting.
        handler: coroutine called with a due row.
    """

    name: str
    model: type[Model]
    due_column: str
    pending_filter: dict[str, Any]
    handler: Callable[[Model], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Rows of ``model`` older than ``older_than`` on ``age_column`` are deleted in batches.

    Attributes:
        name: unique name shown in maintenance reports.
        model: the Tortoise model to clean.
        age_column: the datetime column that dates a row.
        older_than: the retention period (the configured default).
        extra_filter: further filter kwargs (e.g. ``{"completed": True}``).
    """

    name: str
    model: type[Model]
    age_column: str
    older_than: timedelta
    extra_filter: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IntegrityCheck:
    """A named check that returns a list of problems (empty when the data is sound)."""

    name: str
    run: Callable[[], Awaitable[list[str]]]
