"""Columns every timer-source table carries so the scheduler can claim and retry rows.

A model that is a scheduler timer source inherits :class:`TimerColumns`. The scheduler
alone writes these columns: a claim sets ``claimed_epoch``/``claimed_until`` in one
atomic UPDATE; a failure bumps ``attempts`` and sets ``next_attempt_at`` (backoff);
a permanent failure sets ``failed_at`` and ``last_error`` and the row is never retried.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class TimerColumns(Model):
    """Abstract base adding the scheduler's bookkeeping columns."""

    attempts = fields.IntField(default=0, db_default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_epoch = fields.BigIntField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    failed_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True
