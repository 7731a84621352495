"""Batched command-stats writes on both engines: batch signal, bulk insert, put-back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tortoise.exceptions import BaseORMException

from plugins.analytics.models import CommandStat
from plugins.analytics.recorder import StatsRecorder

FAILURES = (BaseORMException, OverflowError, ValueError)
WHEN = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


async def test_rows_are_written_in_one_flush_with_their_time(guildhall_db) -> None:
    recorder = StatsRecorder(batch_rows=3)
    assert not recorder.record("ping", 1, 10, WHEN)
    assert not recorder.record("customcmd create", 1, 11, WHEN)
    assert recorder.record("custom:hello", None, 12, WHEN)  # a full batch is waiting
    assert await CommandStat.all().count() == 0  # recording does no I/O
    assert await recorder.flush() == 3 and len(recorder) == 0
    rows = await CommandStat.all().order_by("id").values_list(
        "command_name", "guild_id", "user_id", "executed_at")
    assert rows == [("ping", 1, 10, WHEN), ("customcmd create", 1, 11, WHEN),
                    ("custom:hello", None, 12, WHEN)]
    assert await recorder.flush() == 0


async def test_a_failed_flush_keeps_its_rows(guildhall_db) -> None:
    recorder = StatsRecorder(batch_rows=10)
    recorder.record("ping", 1, 10, WHEN)
    recorder.record("bad", 1, 2**70, WHEN)  # out of BIGINT range: the insert fails
    with pytest.raises(FAILURES):
        await recorder.flush()
    assert len(recorder) == 2 and await CommandStat.all().count() == 0


def test_the_buffer_is_bounded() -> None:
    recorder = StatsRecorder(batch_rows=10, max_rows=5)
    for i in range(8):
        recorder.record(f"c{i}", 1, i, WHEN)
    assert len(recorder) == 5 and recorder.dropped == 3
