"""The time parser: relative, absolute, time zones and DST edges (with hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.reminders.parsing import (
    UNIT_SECONDS,
    TimeParseError,
    format_duration,
    load_timezone,
    parse_duration,
    parse_repeat,
    parse_when,
    to_utc,
)

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
ZONES = sorted(available_timezones() - {"Factory", "localtime"})
UNIT_WORDS = {"s": ["s", "sec", "seconds"], "m": ["m", "min", "minutes"],
              "h": ["h", "hr", "hours"], "d": ["d", "day", "days"], "w": ["w", "weeks"]}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10m", 600), ("1h30m", 5400), ("in 3 hours", 10800), ("2d", 172800),
     ("1 hour and 5 minutes", 3900), ("2D 4H", 187200), ("3s", 3), ("1w", 604800),
     ("IN   1h, 2m", 3720)],
)
def test_relative_times_are_elapsed_time_from_now(text: str, seconds: int) -> None:
    assert parse_when(text, NOW, PARIS) == NOW + timedelta(seconds=seconds)


@given(st.lists(st.tuples(st.integers(0, 500), st.sampled_from(sorted(UNIT_WORDS)),
                          st.integers(0, 2), st.sampled_from(["", " ", ", ", " and "])),
                min_size=1, max_size=4),
       st.booleans())
def test_any_sequence_of_parts_adds_up(parts: list, prefix: bool) -> None:
    text = ("in " if prefix else "") + "".join(
        f"{n}{' ' if len(UNIT_WORDS[u][w % len(UNIT_WORDS[u])]) > 1 else ''}"
        f"{UNIT_WORDS[u][w % len(UNIT_WORDS[u])]}{sep}" for n, u, w, sep in parts
    )
    expected = sum(n * UNIT_SECONDS[u] for n, u, _, _ in parts)
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "local"),
    [("2026-12-01 09:00", datetime(2026, 12, 1, 9, 0)),
     ("2026-12-01", datetime(2026, 12, 1, 9, 0)),
     ("2026-12-01T21:15", datetime(2026, 12, 1, 21, 15)),
     ("2026-12-01 9:05pm", datetime(2026, 12, 1, 21, 5)),
     ("tomorrow 9am", datetime(2026, 11, 26, 9, 0)),
     ("tomorrow", datetime(2026, 11, 26, 9, 0)),
     ("today 17:30", datetime(2026, 11, 25, 17, 30)),
     ("12am", datetime(2026, 11, 26, 0, 0)),  # bare times: the next time the clock shows it
     ("16:00", datetime(2026, 11, 25, 16, 0)),
     ("3pm", datetime(2026, 11, 26, 15, 0))],
)
def test_absolute_times_are_wall_clock_in_the_users_zone(text: str, local: datetime) -> None:
    # NOW is 15:00 in Paris (UTC+1 in November)
    assert parse_when(text, NOW, PARIS) == local.replace(tzinfo=PARIS).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "1-64 characters"), ("x" * 65, "1-64 characters"), ("soon", "could not read"),
     ("13pm", "hour is 1-12"), ("25:00", "not a valid time"), ("2026-13-01", "does not exist"),
     ("10 mo", "could not read"), ("1h rm -rf", "could not read"), ("{0.__class__}", "could not"),
     ("0001-01-01 00:00", "out of range"), ("99999999999999w", "could not read"),
     ("in 9999999w", "too far ahead")],
)
def test_bad_times_raise_readable_errors(text: str, error: str) -> None:
    with pytest.raises(TimeParseError, match=error.replace("(", r"\(")):
        parse_when(text, NOW, PARIS)


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_time_parse_error(text: str) -> None:
    try:
        when = parse_when(text, NOW, PARIS)
    except TimeParseError as exc:
        assert "Traceback" not in str(exc) and "__" not in str(exc)
    else:
        assert when.tzinfo is not None and when.utcoffset() == timedelta(0)


@given(st.sampled_from(ZONES), st.dates(date(2000, 1, 1), date(2035, 12, 31)),
       st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_existing_local_times_round_trip_in_every_zone(name: str, day: date, clock: time) -> None:
    zone = ZoneInfo(name)
    instant = to_utc(day, clock, zone)
    back = instant.astimezone(zone)
    local = datetime.combine(day, clock)
    if back.replace(tzinfo=None) == local:
        return  # the usual case: the wall time exists
    # A wall time in a gap (clocks went forward) lands just after the gap, never before.
    assert local < back.replace(tzinfo=None) <= local + timedelta(hours=3)


def test_dst_gap_and_overlap_in_paris() -> None:
    # 2026-03-29 02:30 does not exist in Paris: read with the winter offset (03:30 CEST)
    gap = parse_when("2026-03-29 02:30", NOW.replace(year=2026, month=1), PARIS)
    assert gap == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert gap.astimezone(PARIS).hour == 3
    # 2026-10-25 02:30 happens twice: the first one (still summer time, UTC+2)
    overlap = parse_when("2026-10-25 02:30", NOW.replace(month=1), PARIS)
    assert overlap == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # "tomorrow 9am" across the change is 9:00 local, i.e. 25 h later than 9:00 today
    before = datetime(2026, 10, 24, 6, 0, tzinfo=UTC)  # 08:00 Paris, summer time
    assert parse_when("tomorrow 9am", before, PARIS) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert parse_when("1d", before, PARIS) == before + timedelta(hours=24)


def test_timezones_load_by_iana_name_only() -> None:
    assert load_timezone(" Europe/Paris ").key == "Europe/Paris"
    assert load_timezone("UTC").key == "UTC"
    for bad in ("Mars/Olympus", "../etc/passwd", "/etc/localtime", "", "x" * 65, "Europe/"):
        with pytest.raises(TimeParseError):
            load_timezone(bad)


def test_repeats_and_duration_formatting() -> None:
    assert parse_repeat("every 1d") == 86400 and parse_repeat("12 hours") == 43200
    with pytest.raises(TimeParseError, match="every 1d"):
        parse_repeat("every day")
    assert format_duration(42.9) == "42s"
    assert format_duration(90061) == "1d 1h 1m"
    assert format_duration(3 * 604800 + 3600 + 5) == "3w 1h"
    assert format_duration(-5) == "0s"
