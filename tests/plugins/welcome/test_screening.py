"""The record of pending joiners kept for a bot without a member cache: bounded, one
grant per join."""

from __future__ import annotations

from plugins.welcome.screening import AwaitingScreening


def test_a_recorded_joiner_is_popped_once() -> None:
    awaiting = AwaitingScreening()
    awaiting.add(1, 10)
    assert not awaiting.pop(2, 10)  # another guild
    assert awaiting.pop(1, 10)
    assert not awaiting.pop(1, 10)  # a later member update grants nothing
    assert len(awaiting) == 0


def test_the_oldest_joiners_are_forgotten_beyond_the_capacity() -> None:
    awaiting = AwaitingScreening(capacity=3)
    for user_id in range(5):
        awaiting.add(1, user_id)
    awaiting.add(1, 2)  # seen again: now the newest
    awaiting.add(1, 5)
    assert len(awaiting) == 3
    assert [awaiting.pop(1, u) for u in range(6)] == [False, False, True, False, True, True]
