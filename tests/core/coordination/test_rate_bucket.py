"""The shared REST bucket and invalid count: their arithmetic on an injected clock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.coordination.invalid_requests import (
    SLOT_SECONDS,
    WINDOW_SECONDS,
    FileInvalidCounter,
    InvalidCounter,
    RedisInvalidCounter,
)
from core.coordination.rate_bucket import (
    BucketState,
    FileRateBucket,
    RedisRateBucket,
    capacity_for,
    take,
    tolerated_delay,
)


class ManualClock:
    """Seconds that move only when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_new_bucket_is_full_then_refills_at_the_rate() -> None:
    state, waits = None, []
    for _ in range(6):
        state, wait = take(state, 100.0, rate=10.0, capacity=5.0)
        waits.append(wait)
    assert waits[:5] == [0.0] * 5
    assert waits[5] == pytest.approx(0.1)
    assert take(state, 100.1, 10.0, 5.0)[1] == 0.0
    assert take(BucketState(0.0, 100.0), 200.0, 10.0, 5.0)[0].tokens == pytest.approx(4.0)


def test_a_clock_set_back_refills_nothing() -> None:
    state, wait = take(BucketState(0.5, 100.0), 50.0, rate=10.0, capacity=5.0)
    assert wait == pytest.approx(0.05)
    assert state == BucketState(0.5, 50.0)


def test_the_bucket_holds_a_tenth_of_a_second_and_at_least_one_request() -> None:
    assert capacity_for(50) == pytest.approx(5)
    assert capacity_for(0.5) == 1
    assert tolerated_delay(50, capacity_for(50)) == pytest.approx(0.9)
    assert tolerated_delay(50, 25) == pytest.approx(0.5)


def discord_429s(capacity: float, stall: float, rate: float = 50.0) -> int:
    """Requests taken greedily from a full bucket of ``capacity`` for 2 s, those of the
    first ``stall`` seconds arriving together at its end (a lagging loop: the worst
    case), answered 429 by a full bucket of one second at the same rate (Discord's,
    the double's)."""
    state, sent = None, []
    for step in range(2000):
        now = step / 1000
        while (result := take(state, now, rate, capacity))[1] == 0:
            state = result[0]
            sent.append(now)
        state = result[0]
    arrivals = sorted(max(t, stall) for t in sent)
    limit, over = None, 0
    for at in arrivals:
        limit, wait = take(limit, at, rate, rate)
        over += wait > 0
    return over


def test_requests_delayed_within_the_tolerated_delay_never_exceed_discord() -> None:
    assert discord_429s(capacity_for(50), stall=0.85) == 0
    assert discord_429s(25, stall=0.85) > 0  # the former half second of tokens
    assert discord_429s(capacity_for(50), stall=1.2) > 0  # beyond it: the arithmetic holds


@pytest.fixture(params=["file", "redis"])
async def bucket_and_clock(
    request: pytest.FixtureRequest, tmp_path: Path, guildhall_services: dict
) -> AsyncIterator[tuple[FileRateBucket | RedisRateBucket, ManualClock]]:
    """Each engine's bucket of 10 requests/s on a manual clock. (``guildhall_services`` is
    asked for here so it is set up before the event loop runs: its set-up runs a loop of its
    own, which this async fixture could not start, as when this file runs alone.)"""
    clock = ManualClock()
    bucket: FileRateBucket | RedisRateBucket
    if request.param == "file":
        bucket = FileRateBucket(tmp_path / "g.db.rest-global.lock", 10.0, clock)
    else:
        url = request.getfixturevalue("guildhall_redis_url")
        bucket = RedisRateBucket(url, f"test:rest:{uuid.uuid4().hex}", 10.0, clock)
    yield bucket, clock
    await bucket.close()


async def take_one(bucket: FileRateBucket | RedisRateBucket) -> float:
    """One attempt of either engine."""
    if isinstance(bucket, FileRateBucket):
        return bucket.try_take()
    return await bucket.try_take()


async def test_each_engine_runs_the_same_bucket(
    bucket_and_clock: tuple[FileRateBucket | RedisRateBucket, ManualClock],
) -> None:
    bucket, clock = bucket_and_clock
    assert bucket.capacity == 1  # a tenth of a second of 10 requests/s: at least one
    assert await take_one(bucket) == 0.0
    assert await take_one(bucket) == pytest.approx(0.1, abs=1e-5)
    clock.now += 0.05
    assert await take_one(bucket) == pytest.approx(0.05, abs=1e-5)
    clock.now += 0.05
    assert await take_one(bucket) == 0.0
    assert await take_one(bucket) == pytest.approx(0.1, abs=1e-5)
    clock.now += 60
    await bucket.acquire()  # a full bucket again: returns at once
    assert await take_one(bucket) == pytest.approx(0.1, abs=1e-5)  # it holds one


@pytest.fixture(params=["file", "redis"])
async def counter_and_clock(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[InvalidCounter, ManualClock]]:
    """Each engine's invalid counter on a manual clock."""
    clock = ManualClock()
    counter: InvalidCounter
    if request.param == "file":
        counter = FileInvalidCounter(tmp_path / "g.db.rest-invalid.lock", clock)
    else:
        url = request.getfixturevalue("guildhall_redis_url")
        counter = RedisInvalidCounter(url, f"test:rest:{uuid.uuid4().hex}", clock)
    yield counter, clock
    await counter.close()


async def test_the_invalid_count_covers_ten_minutes_and_errs_high(
    counter_and_clock: tuple[InvalidCounter, ManualClock],
) -> None:
    counter, clock = counter_and_clock
    assert await counter.add(0) == 0
    assert await counter.add(3) == 3
    clock.now += WINDOW_SECONDS - 1
    assert await counter.add(2) == 5
    clock.now += SLOT_SECONDS + 2  # the first 3 are older than the window and its slot
    assert await counter.add(0) == 2
    clock.now += WINDOW_SECONDS + SLOT_SECONDS
    assert await counter.add(0) == 0


async def test_a_damaged_counter_file_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "g.db.rest-invalid.lock"
    path.write_text("not json")
    assert await FileInvalidCounter(path).add(1) == 1
