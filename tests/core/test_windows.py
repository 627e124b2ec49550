"""Time windows: presets across zones and DST, from/to/range rules, every error, properties."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.errors import InvalidParameter
from turnout.core.windows import (
    PRESET_ALIASES,
    PRESETS,
    Window,
    day_window,
    local_midnight,
    parse_instant,
    parse_zone,
    resolve_window,
)

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
SANTIAGO = ZoneInfo("America/Santiago")
NOW = datetime(2024, 5, 15, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def z(text: str) -> datetime:
    """A UTC instant written compactly: ``z("2024-05-15T00:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(**kwargs: object) -> Window:
    kwargs.setdefault("tz", UTC_ZONE)
    kwargs.setdefault("now", NOW)
    return resolve_window(**kwargs)  # type: ignore[arg-type]


def refused(**kwargs: object) -> InvalidParameter:
    with pytest.raises(InvalidParameter) as info:
        window(**kwargs)
    return info.value


# --- presets -------------------------------------------------------------------------

# (zone, now, {preset: (start, end)}) with every bound written out in UTC.
PRESET_TABLE: list[tuple[ZoneInfo, datetime, dict[str, tuple[str, str]]]] = [
    (  # a Wednesday in UTC
        UTC_ZONE,
        z("2024-05-15T12:00"),
        {
            "today": ("2024-05-15T00:00", "2024-05-16T00:00"),
            "yesterday": ("2024-05-14T00:00", "2024-05-15T00:00"),
            "this_week": ("2024-05-13T00:00", "2024-05-20T00:00"),
            "last_week": ("2024-05-06T00:00", "2024-05-13T00:00"),
            "last_7d": ("2024-05-08T00:00", "2024-05-15T00:00"),
            "last_30d": ("2024-04-15T00:00", "2024-05-15T00:00"),
            "this_month": ("2024-05-01T00:00", "2024-06-01T00:00"),
            "last_month": ("2024-04-01T00:00", "2024-05-01T00:00"),
            "this_year": ("2024-01-01T00:00", "2025-01-01T00:00"),
            "last_year": ("2023-01-01T00:00", "2024-01-01T00:00"),
        },
    ),
    (  # London, the Sunday clocks go forward (today is 23 hours)
        LONDON,
        z("2024-03-31T12:00"),
        {
            "today": ("2024-03-31T00:00", "2024-03-31T23:00"),
            "yesterday": ("2024-03-30T00:00", "2024-03-31T00:00"),
            "this_week": ("2024-03-25T00:00", "2024-03-31T23:00"),
            "last_week": ("2024-03-18T00:00", "2024-03-25T00:00"),
            "last_7d": ("2024-03-24T00:00", "2024-03-31T00:00"),
            "last_30d": ("2024-03-01T00:00", "2024-03-31T00:00"),
            "this_month": ("2024-03-01T00:00", "2024-03-31T23:00"),
            "last_month": ("2024-02-01T00:00", "2024-03-01T00:00"),
            "this_year": ("2024-01-01T00:00", "2025-01-01T00:00"),
            "last_year": ("2023-01-01T00:00", "2024-01-01T00:00"),
        },
    ),
    (  # London, the Sunday clocks go back (today is 25 hours)
        LONDON,
        z("2024-10-27T12:00"),
        {
            "today": ("2024-10-26T23:00", "2024-10-28T00:00"),
            "yesterday": ("2024-10-25T23:00", "2024-10-26T23:00"),
            "this_week": ("2024-10-20T23:00", "2024-10-28T00:00"),
            "last_week": ("2024-10-13T23:00", "2024-10-20T23:00"),
            "last_7d": ("2024-10-19T23:00", "2024-10-26T23:00"),
            "last_30d": ("2024-09-26T23:00", "2024-10-26T23:00"),
            "this_month": ("2024-09-30T23:00", "2024-11-01T00:00"),
            "last_month": ("2024-08-31T23:00", "2024-09-30T23:00"),
            "this_year": ("2024-01-01T00:00", "2025-01-01T00:00"),
            "last_year": ("2023-01-01T00:00", "2024-01-01T00:00"),
        },
    ),
    (  # New York, the Sunday clocks go forward
        NEW_YORK,
        z("2024-03-10T15:00"),
        {
            "today": ("2024-03-10T05:00", "2024-03-11T04:00"),
            "yesterday": ("2024-03-09T05:00", "2024-03-10T05:00"),
            "this_week": ("2024-03-04T05:00", "2024-03-11T04:00"),
            "last_week": ("2024-02-26T05:00", "2024-03-04T05:00"),
            "last_7d": ("2024-03-03T05:00", "2024-03-10T05:00"),
            "last_30d": ("2024-02-09T05:00", "2024-03-10T05:00"),
            "this_month": ("2024-03-01T05:00", "2024-04-01T04:00"),
            "last_month": ("2024-02-01T05:00", "2024-03-01T05:00"),
            "this_year": ("2024-01-01T05:00", "2025-01-01T05:00"),
            "last_year": ("2023-01-01T05:00", "2024-01-01T05:00"),
        },
    ),
    (  # Sydney, the Sunday clocks go back (southern hemisphere: April)
        SYDNEY,
        z("2024-04-06T20:00"),
        {
            "today": ("2024-04-06T13:00", "2024-04-07T14:00"),
            "yesterday": ("2024-04-05T13:00", "2024-04-06T13:00"),
            "this_week": ("2024-03-31T13:00", "2024-04-07T14:00"),
            "last_week": ("2024-03-24T13:00", "2024-03-31T13:00"),
            "last_7d": ("2024-03-30T13:00", "2024-04-06T13:00"),
            "last_30d": ("2024-03-07T13:00", "2024-04-06T13:00"),
            "this_month": ("2024-03-31T13:00", "2024-04-30T14:00"),
            "last_month": ("2024-02-29T13:00", "2024-03-31T13:00"),
            "this_year": ("2023-12-31T13:00", "2024-12-31T13:00"),
            "last_year": ("2022-12-31T13:00", "2023-12-31T13:00"),
        },
    ),
    (  # Kolkata (+05:30): already 1 March locally, still 29 February in UTC
        KOLKATA,
        z("2024-02-29T20:00"),
        {
            "today": ("2024-02-29T18:30", "2024-03-01T18:30"),
            "yesterday": ("2024-02-28T18:30", "2024-02-29T18:30"),
            "this_week": ("2024-02-25T18:30", "2024-03-03T18:30"),
            "last_week": ("2024-02-18T18:30", "2024-02-25T18:30"),
            "last_7d": ("2024-02-22T18:30", "2024-02-29T18:30"),
            "last_30d": ("2024-01-30T18:30", "2024-02-29T18:30"),
            "this_month": ("2024-02-29T18:30", "2024-03-31T18:30"),
            "last_month": ("2024-01-31T18:30", "2024-02-29T18:30"),
            "this_year": ("2023-12-31T18:30", "2024-12-31T18:30"),
            "last_year": ("2022-12-31T18:30", "2023-12-31T18:30"),
        },
    ),
]


@pytest.mark.parametrize(
    ("tz", "now", "preset", "start", "end"),
    [
        pytest.param(tz, now, preset, start, end, id=f"{tz.key}-{now:%Y-%m-%d}-{preset}")
        for tz, now, table in PRESET_TABLE
        for preset, (start, end) in table.items()
    ],
)
def test_preset(tz: ZoneInfo, now: datetime, preset: str, start: str, end: str) -> None:
    result = window(preset=preset, tz=tz, now=now)
    assert result == Window(z(start), z(end), tz)


def test_preset_table_covers_every_preset() -> None:
    for _, _, table in PRESET_TABLE:
        assert tuple(table) == PRESETS


@pytest.mark.parametrize(
    ("tz", "now", "hours"),
    [
        (LONDON, z("2024-03-31T12:00"), 23),
        (LONDON, z("2024-10-27T12:00"), 25),
        (LONDON, z("2024-06-01T12:00"), 24),
        (NEW_YORK, z("2024-11-03T12:00"), 25),
        (SYDNEY, z("2024-10-06T12:00"), 23),
        (KOLKATA, z("2024-03-31T12:00"), 24),
    ],
)
def test_today_length_on_dst_days(tz: ZoneInfo, now: datetime, hours: int) -> None:
    today = window(preset="today", tz=tz, now=now)
    assert today.end - today.start == timedelta(hours=hours)
    assert today.contains(now)


def test_today_follows_the_local_date_not_the_utc_date() -> None:
    # 23:30 UTC on 26 October is 00:30 BST on the 27th in London.
    today = window(preset="today", tz=LONDON, now=z("2024-10-26T23:30"))
    assert today.start == z("2024-10-26T23:00")


def test_preset_alias_and_spelling() -> None:
    assert PRESET_ALIASES == {"lastweek": "last_week"}
    expected = window(preset="last_week")
    assert window(preset="lastweek") == expected
    assert window(preset="LastWeek") == expected
    assert window(preset="Last_Week") == expected


def test_unknown_preset_lists_the_valid_ones() -> None:
    error = refused(preset="fortnight")
    assert (error.field, error.rule) == ("preset", "one_of")
    assert "preset" in error.message and "fortnight" in error.message
    for name in PRESETS:
        assert name in error.message


def test_preset_at_the_end_of_the_calendar_is_a_bounds_error() -> None:
    error = refused(preset="this_year", now=z("9999-06-01T00:00"))
    assert (error.field, error.rule) == ("preset", "bounds")


# --- from / to -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "tz", "expected_start", "expected_end"),
    [
        ("2024-01-01", "2024-01-31", UTC_ZONE, "2024-01-01T00:00", "2024-02-01T00:00"),
        ("2024-01-01", "2024-01-01", UTC_ZONE, "2024-01-01T00:00", "2024-01-02T00:00"),
        (
            "2024-01-01",
            "2024-01-31T23:59:59.999Z",
            UTC_ZONE,
            "2024-01-01T00:00",
            "2024-01-31T23:59:59.999001",
        ),
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z", UTC_ZONE, "2024-01-01T10:00", None),
        ("2024-03-31", "2024-03-31", LONDON, "2024-03-31T00:00", "2024-03-31T23:00"),
        ("2024-10-27", "2024-10-27", LONDON, "2024-10-26T23:00", "2024-10-28T00:00"),
        ("2024-07-01T09:00", "2024-07-01T17:00", NEW_YORK, "2024-07-01T13:00", None),
        (
            "2024-01-01T00:00:00+05:30",
            "2024-01-01 06:00:00-0100",
            SYDNEY,
            "2023-12-31T18:30",
            "2024-01-01T07:00:00.000001",
        ),
        ("2024-09-08", "2024-09-08", SANTIAGO, "2024-09-08T04:00", "2024-09-09T03:00"),
    ],
)
def test_from_to(
    start: str,
    end: str,
    tz: ZoneInfo,
    expected_start: str,
    expected_end: str | None,
) -> None:
    result = window(start=start, end=end, tz=tz)
    assert result.start == z(expected_start)
    if expected_end is None:  # a datetime `to` ends one microsecond after the instant
        expected = parse_instant(end, field="to", tz=tz)[0] + timedelta(microseconds=1)
        assert result.end == expected
    else:
        assert result.end == z(expected_end)
    assert result.tz is tz


def test_inclusive_datetime_to_keeps_the_last_millisecond() -> None:
    result = window(start="2024-01-01", end="2024-01-31T23:59:59.999Z")
    assert result.contains(z("2024-01-31T23:59:59.999"))
    assert not result.contains(z("2024-02-01T00:00"))
    whole_month = window(start="2024-01-01", end="2024-01-31")
    assert whole_month.contains(z("2024-01-31T23:59:59.999999"))
    assert not whole_month.contains(z("2024-02-01T00:00"))


def test_open_bounds() -> None:
    assert window() == Window(None, None, UTC_ZONE)
    assert window(start="2024-01-01") == Window(z("2024-01-01T00:00"), None, UTC_ZONE)
    assert window(end="2024-01-01") == Window(None, z("2024-01-02T00:00"), UTC_ZONE)
    assert window().contains(z("0001-01-01T00:00"))


def test_window_is_frozen_and_needs_aware_instants() -> None:
    result = window(start="2024-01-01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.start = None  # type: ignore[misc]
    with pytest.raises(ValueError, match="aware"):
        result.contains(datetime(2024, 1, 2))


def test_to_before_from() -> None:
    error = refused(start="2024-02-01", end="2024-01-31")
    assert (error.field, error.rule) == ("to", "order")
    assert error.message == "to must not be before from"
    assert refused(start="2024-01-01T10:00:00Z", end="2024-01-01T09:59:59Z").rule == "order"


def test_dialect_field_names_appear_in_errors() -> None:
    error = refused(start="2024-02-01", end="2024-01-01", start_field="start", end_field="stop")
    assert (error.field, error.rule) == ("stop", "order")
    assert error.message == "stop must not be before start"
    error = refused(start="nope", start_field="start")
    assert (error.field, error.rule) == ("start", "date_format")
    assert error.message.startswith("start")
    error = refused(preset="lastweek", start="2024-01-01", preset_field="datePreset")
    assert (error.field, error.rule) == ("datePreset", "exclusive")
    error = refused(range_="1 day", range_field="period", start_field="begin")
    assert (error.field, error.rule) == ("period", "requires")
    assert "period" in error.message and "begin" in error.message


# --- range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "range_", "tz", "expected_start", "expected_end"),
    [
        # SynthesisVR's examples
        ("2019-07-12", "1 day", UTC_ZONE, "2019-07-12T00:00", "2019-07-13T00:00"),
        ("2019-07-12", "1 month 5 days", UTC_ZONE, "2019-07-12T00:00", "2019-08-17T00:00"),
        ("2019-07-12", "2 months 3 days", UTC_ZONE, "2019-07-12T00:00", "2019-09-15T00:00"),
        ("2019-07-12", "1 day 8 hours", UTC_ZONE, "2019-07-12T00:00", "2019-07-13T08:00"),
        ("2019-07-12T10:00:00Z", "3 hours", UTC_ZONE, "2019-07-12T10:00", "2019-07-12T13:00"),
        ("2019-07-12", "1 week", UTC_ZONE, "2019-07-12T00:00", "2019-07-19T00:00"),
        ("2019-07-12", "1 year 2 months", UTC_ZONE, "2019-07-12T00:00", "2020-09-12T00:00"),
        ("2019-07-12", "90 minutes", UTC_ZONE, "2019-07-12T00:00", "2019-07-12T01:30"),
        # month ends, by relativedelta's rule
        ("2024-01-31", "1 month", UTC_ZONE, "2024-01-31T00:00", "2024-02-29T00:00"),
        ("2023-01-31", "1 month", UTC_ZONE, "2023-01-31T00:00", "2023-02-28T00:00"),
        ("2024-03-31", "1 month", UTC_ZONE, "2024-03-31T00:00", "2024-04-30T00:00"),
        ("2024-02-29", "1 year", UTC_ZONE, "2024-02-29T00:00", "2025-02-28T00:00"),
        ("2024-01-31", "1 month 1 day", UTC_ZONE, "2024-01-31T00:00", "2024-03-01T00:00"),
        # days are calendar days in the zone: 23 and 25 real hours across DST
        ("2024-03-31", "1 day", LONDON, "2024-03-31T00:00", "2024-03-31T23:00"),
        ("2024-10-27", "1 day", LONDON, "2024-10-26T23:00", "2024-10-28T00:00"),
        ("2024-03-30T12:00:00Z", "1 day", LONDON, "2024-03-30T12:00", "2024-03-31T11:00"),
        ("2024-09-08", "1 day", SANTIAGO, "2024-09-08T04:00", "2024-09-09T03:00"),
        # hours are real elapsed hours, even across the change
        ("2024-03-31", "3 hours", LONDON, "2024-03-31T00:00", "2024-03-31T03:00"),
        ("2024-03-30", "1 day 3 hours", LONDON, "2024-03-30T00:00", "2024-03-31T03:00"),
        ("2024-10-27", "30 hours", LONDON, "2024-10-26T23:00", "2024-10-28T05:00"),
    ],
)
def test_range(
    start: str, range_: str, tz: ZoneInfo, expected_start: str, expected_end: str
) -> None:
    assert window(start=start, range_=range_, tz=tz) == Window(
        z(expected_start), z(expected_end), tz
    )


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"start": "2019-7-12"}, "from", "date_format"),
        ({"start": "2019-02-30"}, "from", "date_format"),
        ({"start": "2023-02-29"}, "from", "date_format"),
        ({"start": "yesterday"}, "from", "date_format"),
        ({"start": ""}, "from", "date_format"),
        ({"end": "2024-01-01T25:00"}, "to", "date_format"),
        ({"end": "2024-01-01T24:00:00"}, "to", "date_format"),
        ({"end": "2024-01-01T10:00:60Z"}, "to", "date_format"),
        ({"end": "2024-01-01T10:00:00+24:00"}, "to", "date_format"),
        ({"end": "2024-01-01T10:00:00+05:60"}, "to", "date_format"),
        ({"end": "2024-01-01T10:00:00 05:00"}, "to", "date_format"),
        ({"end": "20240101"}, "to", "date_format"),
        ({"end": "2024-W01-1"}, "to", "date_format"),
        ({"end": " 2024-01-01"}, "to", "date_format"),
        ({"end": "2024-01-01T10"}, "to", "date_format"),
        ({"end": "\u0662\u0660\u0662\u0664-01-01"}, "to", "date_format"),
        ({"preset": "fortnight"}, "preset", "one_of"),
        ({"preset": ""}, "preset", "one_of"),
        ({"start": "2024-01-01", "range_": "five days"}, "range", "duration"),
        ({"start": "2024-01-01", "range_": "1 fortnight"}, "range", "duration"),
        ({"start": "2024-01-01", "range_": "0 days"}, "range", "duration"),
        ({"start": "2024-01-01", "range_": "101 years"}, "range", "bounds"),
        ({"start": "2024-02-01", "end": "2024-01-31"}, "to", "order"),
        ({"preset": "today", "start": "2024-01-01"}, "preset", "exclusive"),
        ({"preset": "today", "end": "2024-01-01"}, "preset", "exclusive"),
        ({"preset": "today", "range_": "1 day"}, "preset", "exclusive"),
        ({"start": "2024-01-01", "end": "2024-02-01", "range_": "1 day"}, "range", "exclusive"),
        ({"end": "2024-02-01", "range_": "1 day"}, "range", "exclusive"),
        ({"range_": "1 day"}, "range", "requires"),
        ({"start": "x" * 201}, "from", "max_length"),
        ({"start": "2024-01-01", "end": "2" * 10_000}, "to", "max_length"),
        ({"preset": "today" * 1000, "start": "2024-01-01"}, "preset", "max_length"),
        ({"start": "2024-01-01", "range_": "1 day " * 50}, "range", "max_length"),
        ({"start": "0000-01-01"}, "from", "bounds"),
        ({"start": "0001-01-01", "tz": ZoneInfo("Asia/Tokyo")}, "from", "bounds"),
        ({"start": "0001-01-01T00:00:00+01:00"}, "from", "bounds"),
        ({"end": "9999-12-31"}, "to", "bounds"),
        ({"end": "9999-12-31T23:59:59.999999Z"}, "to", "bounds"),
        ({"end": "9999-12-31T20:00", "tz": ZoneInfo("America/Chicago")}, "to", "bounds"),
        ({"start": "9999-06-01", "range_": "1 year"}, "range", "bounds"),
        ({"start": "9999-12-31T20:00:00Z", "range_": "5 hours"}, "range", "bounds"),
    ],
)
def test_errors(kwargs: dict[str, object], field: str, rule: str) -> None:
    error = refused(**kwargs)
    assert (error.field, error.rule) == (field, rule)
    assert field in error.message
    assert len(error.message) < 300


def test_error_messages_read_well() -> None:
    assert refused(start="2019-7-12").message == (
        "from must be a date (YYYY-MM-DD) or an ISO 8601 datetime "
        '(YYYY-MM-DDTHH:MM:SS with Z or an offset); got "2019-7-12"'
    )
    assert "%2B" in refused(end="2024-01-01T10:00:00 05:00").message
    assert refused(range_="1 day").message == "range needs from: the duration is counted from from"
    assert refused(start="2024-01-01", range_="1 fortnight").message == (
        'range: unknown unit "fortnight"; use minute, hour, day, week, month or year'
    )
    assert refused(preset="today", start="2024-01-01").message == (
        "preset cannot be combined with from; give either preset or from/to"
    )
    assert refused(start="x" * 201).message == "from must be at most 200 characters long"
    # user input is escaped and cut short in messages
    message = refused(start="\x00" + "y" * 150).message
    assert "\x00" not in message and "\\x00" in message and "y" * 50 not in message


# --- parse_instant and parse_zone ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tz", "expected", "is_date"),
    [
        ("2024-07-12", UTC_ZONE, "2024-07-12T00:00", True),
        ("2024-07-12", KOLKATA, "2024-07-11T18:30", True),
        ("2024-07-12T10:20:30Z", KOLKATA, "2024-07-12T10:20:30", False),
        ("2024-07-12T10:20:30z", UTC_ZONE, "2024-07-12T10:20:30", False),
        ("2024-07-12t10:20:30", UTC_ZONE, "2024-07-12T10:20:30", False),
        ("2024-07-12 10:20:30", NEW_YORK, "2024-07-12T14:20:30", False),
        ("2024-07-12T10:20", UTC_ZONE, "2024-07-12T10:20", False),
        ("2024-07-12T10:20Z", UTC_ZONE, "2024-07-12T10:20", False),
        ("2024-07-12T10:20:30.5Z", UTC_ZONE, "2024-07-12T10:20:30.500000", False),
        ("2024-07-12T10:20:30,25Z", UTC_ZONE, "2024-07-12T10:20:30.250000", False),
        ("2024-07-12T10:20:30.123456789Z", UTC_ZONE, "2024-07-12T10:20:30.123456", False),
        ("2024-07-12T10:20:30+02:00", UTC_ZONE, "2024-07-12T08:20:30", False),
        ("2024-07-12T10:20:30-0330", UTC_ZONE, "2024-07-12T13:50:30", False),
        ("2024-07-12T10:20:30+02", UTC_ZONE, "2024-07-12T08:20:30", False),
        ("2024-07-12T10:20:30-00:00", UTC_ZONE, "2024-07-12T10:20:30", False),
        # London 01:30 on 31 March 2024 does not exist: the first instant after the gap
        ("2024-03-31T01:30", LONDON, "2024-03-31T01:00", False),
        # London 01:30 on 27 October 2024 happens twice: the first occurrence (BST)
        ("2024-10-27T01:30", LONDON, "2024-10-27T00:30", False),
    ],
)
def test_parse_instant(text: str, tz: ZoneInfo, expected: str, is_date: bool) -> None:
    instant, was_date = parse_instant(text, field="from", tz=tz)
    assert instant == z(expected)
    assert instant.tzinfo is UTC
    assert was_date is is_date


def test_parse_zone() -> None:
    assert parse_zone(None) is ZoneInfo("UTC")
    assert parse_zone(None, default="Europe/London") is LONDON
    assert parse_zone("Europe/London") is LONDON
    assert parse_zone("europe/LONDON") is LONDON
    assert parse_zone("utc") is ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Mars/Base", "zone"),
        ("", "zone"),
        ("America", "zone"),
        ("localtime", "zone"),
        ("posixrules", "zone"),
        ("../etc/passwd", "zone"),
        ("/etc/passwd", "zone"),
        ("Europe/London\x00", "zone"),
        ("+02:00", "zone"),
        ("E" * 201, "max_length"),
    ],
)
def test_parse_zone_refuses(name: str, rule: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_zone(name, field="timezone")
    assert (info.value.field, info.value.rule) == ("timezone", rule)
    assert "timezone" in info.value.message


# --- days and midnights --------------------------------------------------------------


def test_day_window() -> None:
    assert day_window(date(2024, 3, 31), LONDON) == Window(
        z("2024-03-31T00:00"), z("2024-03-31T23:00"), LONDON
    )
    assert day_window(date(2024, 10, 27), LONDON).end - day_window(
        date(2024, 10, 27), LONDON
    ).start == timedelta(hours=25)
    assert local_midnight(date(2024, 7, 1), KOLKATA) == z("2024-06-30T18:30")


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # Santiago skips 00:00-01:00 on 8 September 2024: the day starts at 01:00 (-03)
        ("America/Santiago", date(2024, 9, 8), "2024-09-08T04:00"),
        # Havana skips 00:00-01:00 on 10 March 2024
        ("America/Havana", date(2024, 3, 10), "2024-03-10T05:00"),
        # Beirut skipped 00:00-01:00 on 31 March 2024
        ("Asia/Beirut", date(2024, 3, 31), "2024-03-30T22:00"),
        # Havana repeats 00:00-01:00 on 3 November 2024: the first midnight (-04)
        ("America/Havana", date(2024, 11, 3), "2024-11-03T04:00"),
    ],
)
def test_midnights_that_do_not_exist_or_happen_twice(zone: str, day: date, expected: str) -> None:
    tz = ZoneInfo(zone)
    assert local_midnight(day, tz) == z(expected)
    assert day_window(day - timedelta(days=1), tz).end == day_window(day, tz).start


def test_a_day_the_zone_skipped_is_empty() -> None:
    # Samoa jumped from 29 to 31 December 2011.
    apia = ZoneInfo("Pacific/Apia")
    skipped = day_window(date(2011, 12, 30), apia)
    assert skipped.start == skipped.end == z("2011-12-30T10:00")
    assert day_window(date(2011, 12, 29), apia).end == skipped.start


def test_day_window_at_the_end_of_the_calendar() -> None:
    with pytest.raises(InvalidParameter) as info:
        day_window(date.max, UTC_ZONE)
    assert (info.value.field, info.value.rule) == ("day", "bounds")


# --- properties ----------------------------------------------------------------------

ZONES = sorted(available_timezones() - {"localtime", "posixrules", "Factory"})
COMMON_ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1850, 1, 1), max_value=date(2200, 12, 31)),
    st.sampled_from(ZONES),
)
def test_days_are_contiguous(day: date, zone: str) -> None:
    tz = ZoneInfo(zone)
    this, following = day_window(day, tz), day_window(day + timedelta(days=1), tz)
    assert this.end == following.start
    assert this.start is not None and this.end is not None
    assert this.start <= this.end <= this.start + timedelta(hours=49)
    local_start = this.start.astimezone(tz).date()
    if this.start == this.end:
        assert local_start > day  # the zone skipped the whole day
    else:
        assert local_start == day


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1980, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(COMMON_ZONES),
)
def test_modern_days_change_by_at_most_an_hour(day: date, zone: str) -> None:
    result = day_window(day, ZoneInfo(zone))
    assert result.start is not None and result.end is not None
    assert result.end - result.start in {
        timedelta(minutes=m) for m in (1380, 1410, 1440, 1470, 1500)
    }


@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.sampled_from(ZONES),
)
def test_presets_fit_together(now: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    get = {name: window(preset=name, tz=tz, now=now) for name in PRESETS}
    assert get["today"].contains(now)
    assert get["yesterday"].end == get["today"].start
    assert get["last_week"].end == get["this_week"].start
    assert get["last_month"].end == get["this_month"].start
    assert get["last_year"].end == get["this_year"].start
    assert get["last_7d"].end == get["last_30d"].end == get["today"].start
    for outer in ("this_week", "this_month", "this_year"):
        assert get[outer].start <= get["today"].start  # type: ignore[operator]
        assert get["today"].end <= get[outer].end  # type: ignore[operator]


RULES = {
    "date_format",
    "one_of",
    "duration",
    "order",
    "exclusive",
    "requires",
    "max_length",
    "bounds",
}
INSTANT_SHAPE = st.from_regex(
    r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?\Z"
)
PLAUSIBLE_INSTANT = st.builds(
    "{:04d}-{:02d}-{:02d}{}".format,
    st.sampled_from([1, 2, 1970, 2024, 2025, 9998, 9999]),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(["", "T00:00", "T01:30", "T23:59:59.999Z", " 12:00:00+14:00", "T02:30-0930"]),
)
INSTANT = st.none() | PLAUSIBLE_INSTANT | INSTANT_SHAPE | st.text(max_size=30)
DURATION = st.from_regex(
    r"\A( ?[0-9]{1,6} ?(minute|hour|day|week|month|year|x)s?){1,3}\Z"
) | st.text(max_size=30)
PRESET = st.sampled_from([*PRESETS, "lastweek"]) | st.text(max_size=30)
ANY_NOW = st.datetimes(
    min_value=datetime(1, 2, 1), max_value=datetime(9999, 11, 30), timezones=st.just(UTC)
)


def check_outcome(**kwargs: object) -> None:
    """resolve_window gives a well-formed window or an InvalidParameter, never anything else."""
    try:
        result = resolve_window(**kwargs)  # type: ignore[arg-type]
    except InvalidParameter as error:
        assert error.rule in RULES
        assert error.field in error.message
        return
    for bound in (result.start, result.end):
        assert bound is None or bound.tzinfo is UTC
    if result.start is not None and result.end is not None:
        assert result.start < result.end


@settings(max_examples=100, deadline=None)
@given(start=INSTANT, end=INSTANT, zone=st.sampled_from(ZONES), now=ANY_NOW)
def test_from_to_only_raises_invalid_parameter(
    start: str | None, end: str | None, zone: str, now: datetime
) -> None:
    check_outcome(start=start, end=end, tz=ZoneInfo(zone), now=now)


@settings(max_examples=100, deadline=None)
@given(start=INSTANT, range_=DURATION, zone=st.sampled_from(ZONES), now=ANY_NOW)
def test_range_only_raises_invalid_parameter(
    start: str | None, range_: str, zone: str, now: datetime
) -> None:
    check_outcome(start=start, range_=range_, tz=ZoneInfo(zone), now=now)


@settings(max_examples=100, deadline=None)
@given(preset=PRESET, zone=st.sampled_from(ZONES), now=ANY_NOW)
def test_preset_only_raises_invalid_parameter(preset: str, zone: str, now: datetime) -> None:
    check_outcome(preset=preset, tz=ZoneInfo(zone), now=now)


@settings(max_examples=100, deadline=None)
@given(start=INSTANT, end=INSTANT, preset=st.none() | PRESET, range_=st.none() | DURATION)
def test_any_combination_only_raises_invalid_parameter(
    start: str | None, end: str | None, preset: str | None, range_: str | None
) -> None:
    check_outcome(start=start, end=end, preset=preset, range_=range_, tz=LONDON, now=NOW)
