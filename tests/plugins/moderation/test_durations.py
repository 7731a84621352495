"""Duration parsing: strict, bounded, round-trips (property-based)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.moderation.durations import DurationError, format_duration, parse_duration

DAY = timedelta(days=1)
CAP = timedelta(days=28)


@pytest.mark.parametrize(("text", "expected"), [
    ("10m", timedelta(minutes=10)), ("1h30m", timedelta(hours=1, minutes=30)),
    ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2)), ("5s", timedelta(seconds=5)),
    (" 1D2H ", timedelta(days=1, hours=2)), ("4w", CAP),
])
def test_valid_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text, CAP) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "is not a duration"), ("10", "is not a duration"), ("m", "is not a duration"),
    ("1.5h", "is not a duration"), ("-5m", "is not a duration"), ("1h 30m", "not a duration"),
    ("10 minutes", "is not a duration"), ("1y", "is not a duration"),
    ("30m1h", "largest first"), ("1h1h", "largest first"), ("0m", "longer than zero"),
    ("29d", "maximum of 4w"), ("4w1s", "maximum of 4w"), ("9999999d", "is not a duration"),
])
def test_invalid_durations_explain_with_examples(text: str, message: str) -> None:
    with pytest.raises(DurationError, match=message) as info:
        parse_duration(text, CAP)
    assert "`10m`" in str(info.value) or "maximum" in str(info.value)


def test_user_text_cannot_mention_or_escape() -> None:
    with pytest.raises(DurationError) as info:
        parse_duration("@everyone`", CAP)
    assert "@everyone" not in str(info.value) and "``" not in str(info.value)


@given(st.integers(min_value=1, max_value=int(CAP.total_seconds())))
def test_format_and_parse_round_trip(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value), CAP) == value


@given(st.text(max_size=12))
def test_arbitrary_text_parses_within_bounds_or_raises(text: str) -> None:
    try:
        value = parse_duration(text, CAP)
    except DurationError:
        return
    assert timedelta(0) < value <= CAP


@given(st.integers(min_value=1, max_value=400))
def test_the_bound_is_exact(days: int) -> None:
    cap = timedelta(days=100)
    if timedelta(days=days) <= cap:
        assert parse_duration(f"{days}d", cap) == timedelta(days=days)
    else:
        with pytest.raises(DurationError, match="maximum"):
            parse_duration(f"{days}d", cap)
