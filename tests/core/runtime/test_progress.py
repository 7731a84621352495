"""Progress of long work: counts, rate and ETA by an injected clock; throttled log lines."""

from __future__ import annotations

import logging
import threading

import pytest

from core.runtime.progress import (
    LogProgress,
    Progress,
    ProgressEvent,
    format_seconds,
    logged_progress,
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_eta_follow_the_clock_and_restart_per_stage() -> None:
    clock = FakeClock()
    events: list[ProgressEvent] = []
    progress = Progress("archive", events.append, clock=clock)
    progress("copy", 0, 1000)
    clock.now += 2
    progress("copy", 400, 1000)
    clock.now += 8
    progress("copy", 1000, 1000)
    assert [e.done for e in events] == [0, 400, 1000]
    assert events[0].rate is None and events[0].eta is None  # no time has passed yet
    assert events[1].rate == pytest.approx(200.0) and events[1].eta == pytest.approx(3.0)
    assert events[2].rate == pytest.approx(100.0) and events[2].eta == pytest.approx(0.0)
    assert events[2].fraction == 1.0 and events[2].elapsed == pytest.approx(10.0)
    clock.now += 5
    progress("verify", 10, None)  # a new stage: its clock starts now; no total, no ETA
    clock.now += 1
    progress("verify", 30, None)
    assert events[3].stage == "verify" and events[3].elapsed == 0.0
    assert events[4].rate == pytest.approx(30.0) and events[4].eta is None


def test_describe_names_counts_rate_and_eta() -> None:
    clock = FakeClock()
    events: list[ProgressEvent] = []
    progress = Progress("maintenance", events.append, clock=clock)
    progress("economy.transactions.archive", 0, 4000)
    clock.now += 2
    progress("economy.transactions.archive", 1000, 4000)
    clock.now += 6
    progress("economy.transactions.archive", 4000, 4000)
    assert events[1].describe() == (
        "maintenance: economy.transactions.archive, 1,000 / 4,000 rows (25%), "
        "500 rows/s, ETA 6 s"
    )
    assert events[2].describe().endswith("4,000 / 4,000 rows (100%), 500 rows/s, done in 8 s")


def test_format_seconds() -> None:
    assert format_seconds(42.4) == "42 s"
    assert format_seconds(247) == "4 min 07 s"
    assert format_seconds(2 * 3600 + 5 * 60 + 10) == "2 h 05 min"


def test_log_lines_come_every_interval_or_step_not_every_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    logger = logging.getLogger("test.progress")
    progress = Progress("archive", LogProgress(logger, interval=10, step=0.25, clock=clock),
                        clock=clock)
    with caplog.at_level(logging.INFO, logger="test.progress"):
        progress("rows", 0, 1000)  # a stage's first event: logged
        for done in range(10, 200, 10):  # under 25% and under 10 s: quiet
            clock.now += 0.1
            progress("rows", done, 1000)
        clock.now += 0.1
        progress("rows", 260, 1000)  # 26%: a step
        clock.now += 11
        progress("rows", 300, 1000)  # over 10 s later: the interval
        progress("rows", 1000, 1000)  # complete: always logged
    lines = [r.getMessage() for r in caplog.records if r.name == "test.progress"]
    assert len(lines) == 4, lines
    assert lines[0].startswith("archive: rows, 0 / 1,000 rows (0%)")
    assert "260 / 1,000 rows (26%)" in lines[1]
    assert "300 / 1,000 rows (30%)" in lines[2] and "ETA" in lines[2]
    assert "1,000 / 1,000 rows (100%)" in lines[3] and "done in" in lines[3]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "test.progress")


def test_nothing_is_logged_when_info_is_off(caplog: pytest.LogCaptureFixture) -> None:
    progress = logged_progress("backup", logging.getLogger("test.progress.quiet"), unit="bytes")
    with caplog.at_level(logging.WARNING, logger="test.progress.quiet"):
        progress("compress", 5, 10)
        progress("compress", 10, 10)
    assert not [r for r in caplog.records if r.name == "test.progress.quiet"]


def test_reports_from_threads_arrive_whole() -> None:
    events: list[ProgressEvent] = []
    progress = Progress("backup", events.append, unit="bytes")

    def work(stage: str) -> None:
        for done in range(1, 201):
            progress(stage, done, 200)

    threads = [threading.Thread(target=work, args=(f"part {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(events) == 800
    for i in range(4):
        mine = [e.done for e in events if e.stage == f"part {i}"]
        assert mine == list(range(1, 201))  # in order, none lost
