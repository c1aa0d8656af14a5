"""Rules on instants and time zones, without a data store: what every face parses and writes."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import follow_ups, timestamps


def clock(moment: str, zone: str) -> follow_ups.Clock:
    return follow_ups.Clock.at(timestamps.parse_timestamp(moment), ZoneInfo(zone))


@pytest.mark.parametrize("moment, written", [
    (datetime(226, 6, 10, 2, 0, tzinfo=timezone.utc), "0226-06-10T02:00:00.000Z"),
    (datetime(1, 1, 1, tzinfo=timezone.utc), "0001-01-01T00:00:00.000Z"),
    (datetime(2026, 6, 10, 2, 0, 0, 123999, tzinfo=timezone.utc), "2026-06-10T02:00:00.123Z"),
    (datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc), "9999-12-31T23:59:59.999Z"),
])
def test_timestamps_are_written_with_four_year_digits_and_milliseconds(moment, written):
    assert timestamps.format_timestamp(moment) == written
    assert timestamps.canonical_timestamp(written) == written  # what is written reads back the same


def test_written_timestamps_sort_as_their_instants():
    moments = ["0001-01-01T00:00:00Z", "0226-06-10T02:00:00Z", "0999-12-31T23:59:59Z", "2026-01-01T00:00:00Z"]
    written = [timestamps.canonical_timestamp(m) for m in moments]
    assert sorted(written) == written


@pytest.mark.parametrize("text, canonical", [
    ("2026-06-10T04:00:00+02:00", "2026-06-10T02:00:00.000Z"),
    ("2026-06-10t02:00:00z", "2026-06-10T02:00:00.000Z"),
    ("2026-06-10", "2026-06-10T00:00:00.000Z"),
    ("2026-06-10T02:00:00.123999Z", "2026-06-10T02:00:00.123Z"),
])
def test_accepted_spellings_are_one_instant(text, canonical):
    assert timestamps.canonical_timestamp(text) == canonical


@pytest.mark.parametrize("text, message", [
    ("2026-06-10T02:00:00", "time zone"),
    ("2026-02-30", "calendar date"),
    ("0001-01-01T00:00:00+01:00", "0001-9999"),
    ("yesterday", "ISO 8601"),
])
def test_refused_spellings_say_why(text, message):
    with pytest.raises(ValueError, match=message):
        timestamps.parse_timestamp(text)


@pytest.mark.parametrize("moment, zone", [
    ("9999-12-31T23:59:59.999Z", "UTC"),                  # tomorrow is year 10000
    ("9999-12-31T10:00:00Z", "Pacific/Kiritimati"),      # already 9999-12-31 there
    ("9999-12-31T23:00:00Z", "Asia/Tokyo"),              # already year 10000 there
    ("0001-01-01T03:00:00Z", "America/New_York"),        # still year 0 there (LMT, -04:56)
])
def test_a_clock_whose_day_leaves_the_years_0001_to_9999_is_a_value_error(moment, zone):
    with pytest.raises(ValueError, match="0001-9999"):
        clock(moment, zone)


def test_a_bare_date_before_year_1_in_utc_is_a_value_error():
    with pytest.raises(ValueError, match="0001-9999"):
        timestamps.parse_in_zone("0001-01-01", ZoneInfo("Asia/Tokyo"))
