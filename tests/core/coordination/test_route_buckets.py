"""The shared per-route buckets: their arithmetic, and each engine on an injected clock.

Two bucket objects on one engine stand for two processes: what one learns, the other
waits on. The real-process tests are in ``test_rest_budget_processes.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from multidict import CIMultiDict

from core.coordination.invalid_requests import FileInvalidCounter
from core.coordination.rest_budget import RestBudget
from core.coordination.route_buckets import (
    PROBE_POLL_SECONDS,
    PROBE_SECONDS,
    FileRouteBuckets,
    RedisRouteBuckets,
    Reservation,
    RouteAnswer,
    RouteBuckets,
    RouteState,
    merge,
    reserve,
)
from tests.core.coordination.test_rate_bucket import ManualClock

MESSAGES = "POST /channels/{channel_id}/messages"


def test_an_unknown_bucket_lets_one_probe_go_and_holds_the_rest() -> None:
    probe, taken = reserve(None, 10.0)
    assert probe == RouteState(0, 10.0 + PROBE_SECONDS, probe=True)
    assert taken == Reservation(0.0, 0.0)  # taken; its window unknown
    assert reserve(probe, 10.5) == (None, Reservation(PROBE_POLL_SECONDS))  # look again soon
    assert reserve(probe, 10.0 + PROBE_SECONDS)[1].wait == 0.0  # the probe never answered
    assert merge(probe, 10.1, remaining=2, reset_after=5.0, limit=3) == RouteState(
        2, 15.1, 3, 5.0)


def test_reserve_takes_what_is_left_then_starts_the_next_window() -> None:
    known = RouteState(2, 12.0, limit=3, span=5.0)
    assert reserve(known, 10.0) == (RouteState(1, 12.0, 3, 5.0), Reservation(0.0, 2.0))
    assert reserve(RouteState(0, 12.0, 3, 5.0), 10.0) == (None, Reservation(2.0))
    assert reserve(RouteState(0, 12.0, 3, 5.0), 12.0) == (
        RouteState(2, 17.0, 3, 5.0), Reservation(0.0, 5.0))


def test_merge_keeps_fewer_requests_left_and_the_later_end() -> None:
    stored = RouteState(1, 12.0, 3, 5.0)  # a request is in flight that Discord has not seen
    assert merge(stored, 10.0, remaining=2, reset_after=2.0, limit=3) is None
    assert merge(stored, 10.0, remaining=0, reset_after=2.5, limit=3) == RouteState(
        0, 12.5, 3, 5.0)
    assert merge(stored, 12.0, remaining=4, reset_after=5.0, limit=5) == RouteState(
        4, 17.0, 5, 5.0)  # the stored window passed: the answer's view
    assert merge(None, 10.0, remaining=3, reset_after=1.0) == RouteState(3, 11.0, 4, 1.0)


def headers(**values: str) -> CIMultiDict[str]:
    """Response headers as aiohttp gives them (names case-insensitive)."""
    return CIMultiDict({name.replace("_", "-"): value for name, value in values.items()})


def test_an_answer_is_read_from_discords_headers() -> None:
    ok = headers(X_RateLimit_Bucket="abc", X_RateLimit_Remaining="3",
                 X_RateLimit_Reset_After="1.5")
    assert RouteAnswer.from_headers(200, ok) == RouteAnswer("abc", 3, 1.5)
    with_limit = headers(X_RateLimit_Bucket="abc", X_RateLimit_Remaining="3",
                         X_RateLimit_Reset_After="1.5", X_RateLimit_Limit="5")
    assert RouteAnswer.from_headers(200, with_limit) == RouteAnswer("abc", 3, 1.5, 5)
    route_429 = headers(X_RateLimit_Bucket="abc", X_RateLimit_Remaining="0",
                        X_RateLimit_Reset_After="2", X_RateLimit_Scope="user")
    assert RouteAnswer.from_headers(429, route_429) == RouteAnswer("abc", 0, 2.0)
    global_429 = headers(X_RateLimit_Global="true", X_RateLimit_Scope="global",
                         Retry_After="1")
    assert RouteAnswer.from_headers(429, global_429) is None  # not the route's bucket
    assert RouteAnswer.from_headers(200, headers()) is None
    bad = headers(X_RateLimit_Bucket="abc", X_RateLimit_Remaining="x",
                  X_RateLimit_Reset_After="1")
    assert RouteAnswer.from_headers(200, bad) is None
    negative = headers(X_RateLimit_Bucket="abc", X_RateLimit_Remaining="1",
                       X_RateLimit_Reset_After="-1")
    assert RouteAnswer.from_headers(200, negative) is None


Engine = Callable[[], RouteBuckets]


@pytest.fixture(params=["file", "redis"])
def redis_url(request: pytest.FixtureRequest) -> str:
    """The Redis server's URL, or ``""`` for the file engine."""
    return "" if request.param == "file" else request.getfixturevalue("guildhall_redis_url")


@pytest.fixture
async def engine(redis_url: str, tmp_path: Path) -> AsyncIterator[tuple[Engine, ManualClock]]:
    """Makes bucket objects of one engine (one per "process") on one manual clock."""
    clock = ManualClock()
    made: list[RouteBuckets] = []
    key = f"test:routes:{uuid.uuid4().hex}"

    def make() -> RouteBuckets:
        buckets: RouteBuckets
        if not redis_url:
            buckets = FileRouteBuckets(tmp_path / "g.db.rest-routes.lock", clock)
        else:
            buckets = RedisRouteBuckets(redis_url, key, clock)
        made.append(buckets)
        return buckets

    yield make, clock
    for buckets in made:
        await buckets.close()


async def test_a_bucket_one_process_emptied_makes_the_other_wait(
    engine: tuple[Engine, ManualClock],
) -> None:
    make, clock = engine
    one, two = make(), make()
    assert (await one.reserve(MESSAGES, "c1")).wait == 0.0  # nothing known: the probe goes
    assert (await two.reserve(MESSAGES, "c1")).wait == pytest.approx(PROBE_POLL_SECONDS)
    await one.learned(MESSAGES, "c1", RouteAnswer("msgs", 0, 2.0, 1))
    assert (await two.reserve(MESSAGES, "c1")).wait == pytest.approx(2.0, abs=1e-5)
    assert (await two.reserve(MESSAGES, "c2")).wait == 0.0  # another channel: its own bucket
    clock.now += 1.5
    assert (await two.reserve(MESSAGES, "c1")).wait == pytest.approx(0.5, abs=1e-5)
    clock.now += 0.5
    assert (await two.reserve(MESSAGES, "c1")).wait == 0.0  # the next window's one request
    assert (await one.reserve(MESSAGES, "c1")).wait == pytest.approx(2.0, abs=1e-5)


async def test_processes_share_what_is_left_and_requests_in_flight(
    engine: tuple[Engine, ManualClock],
) -> None:
    make, clock = engine
    one, two = make(), make()
    assert (await one.reserve(MESSAGES, "c1")).wait == 0.0
    await one.learned(MESSAGES, "c1", RouteAnswer("msgs", 2, 5.0, 3))
    assert (await one.reserve(MESSAGES, "c1")).wait == 0.0
    assert (await two.reserve(MESSAGES, "c1")).wait == 0.0
    assert (await two.reserve(MESSAGES, "c1")).wait == pytest.approx(5.0, abs=1e-5)
    # the second answer says 1 left: Discord has not seen the third request yet
    await one.learned(MESSAGES, "c1", RouteAnswer("msgs", 1, 4.9, 3))
    assert (await one.reserve(MESSAGES, "c1")).wait == pytest.approx(5.0, abs=1e-5)
    clock.now += 5  # the window passed: a new one of the limit
    assert [await two.reserve(MESSAGES, "c1") for _ in range(3)] == [
        Reservation(0.0, 5.0), Reservation(0.0, 5.0), Reservation(0.0, 5.0)]
    assert (await one.reserve(MESSAGES, "c1")).wait == pytest.approx(5.0, abs=1e-5)


async def test_a_route_waits_on_the_bucket_another_route_emptied(
    engine: tuple[Engine, ManualClock],
) -> None:
    make, _ = engine
    one, two = make(), make()
    edit = "PATCH /channels/{channel_id}/messages/{message_id}"
    delete = "DELETE /channels/{channel_id}/messages/{message_id}"
    await one.learned(edit, "c1", RouteAnswer("shared", 3, 4.0, 5))
    await one.learned(delete, "c1", RouteAnswer("shared", 0, 4.0, 5))
    # ``two`` never sent either route: the shared map names their bucket
    assert (await two.reserve(edit, "c1")).wait == pytest.approx(4.0, abs=1e-5)


async def test_a_damaged_route_file_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "g.db.rest-routes.lock"
    path.write_text('{"states": 3}')
    buckets = FileRouteBuckets(path, ManualClock())
    assert (await buckets.reserve(MESSAGES, "c1")).wait == 0.0
    await buckets.learned(MESSAGES, "c1", RouteAnswer("msgs", 0, 1.0, 1))
    assert (await buckets.reserve(MESSAGES, "c1")).wait == pytest.approx(1.0)


class SlowGlobalBucket:
    """A global bucket whose every token takes ``seconds`` of the manual clock."""

    def __init__(self, clock: ManualClock, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds

    async def acquire(self) -> None:
        """The wait for a token, on the manual clock."""
        self.clock.now += self.seconds

    async def close(self) -> None:
        """Nothing to release."""


async def test_a_request_that_waited_past_its_window_for_a_token_counts_in_the_next(
    tmp_path: Path,
) -> None:
    clock = ManualClock()
    routes = FileRouteBuckets(tmp_path / "g.db.rest-routes.lock", clock)
    await routes.learned(MESSAGES, "c1", RouteAnswer("msgs", 2, 1.0, 3))
    budget = RestBudget(SlowGlobalBucket(clock, 1.5),
                        FileInvalidCounter(tmp_path / "g.db.rest-invalid.lock", clock),
                        routes=routes, clock=clock)
    await budget.before_request(exempt=False, route=MESSAGES, major="c1")
    # reserved in the first window, sent in the next: counted there, 2 of 3 left
    assert [(await routes.reserve(MESSAGES, "c1")).wait > 0 for _ in range(3)] == [
        False, False, True]
    await budget.close()


async def test_the_route_file_shrinks_by_padding_and_still_reads(tmp_path: Path) -> None:
    clock = ManualClock()
    path = tmp_path / "g.db.rest-routes.lock"
    buckets = FileRouteBuckets(path, clock)
    for n in range(50):
        await buckets.learned(MESSAGES, f"c{n}", RouteAnswer("msgs", 0, 1.0, 1))
    size = path.stat().st_size
    clock.now += 120  # every state is past its window and kept time: pruned
    assert (await buckets.reserve(MESSAGES, "c1")).wait == 0.0
    assert path.stat().st_size == size and path.read_bytes().endswith(b" ")
    await buckets.learned(MESSAGES, "c1", RouteAnswer("msgs", 0, 1.0, 1))
    assert (await buckets.reserve(MESSAGES, "c1")).wait == pytest.approx(1.0)


async def test_a_probe_answered_without_bucket_headers_is_released(
    engine: tuple[Engine, ManualClock],
) -> None:
    make, _ = engine
    one, two = make(), make()
    assert await one.reserve(MESSAGES, "c1") == Reservation(0.0, 0.0)  # the probe
    assert (await two.reserve(MESSAGES, "c1")).wait > 0
    await one.release(MESSAGES, "c1")  # e.g. a global 429: nothing learned of the bucket
    assert await two.reserve(MESSAGES, "c1") == Reservation(0.0, 0.0)  # probes at once
    await two.learned(MESSAGES, "c1", RouteAnswer("msgs", 0, 3.0, 1))
    await one.release(MESSAGES, "c1")  # a known bucket is not a probe: kept
    assert (await one.reserve(MESSAGES, "c1")).wait == pytest.approx(3.0, abs=1e-5)
