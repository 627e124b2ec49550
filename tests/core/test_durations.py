"""Durations (SynthesisVR's ``range``): accepted spellings, every error, robustness."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.core.durations import Duration, parse_duration, parse_duration_parts
from turnout.core.errors import InvalidParameter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 day", relativedelta(days=1)),
        ("1 month 5 days", relativedelta(months=1, days=5)),
        ("2 months 3 days", relativedelta(months=2, days=3)),
        ("1 day 8 hours", relativedelta(days=1, hours=8)),
        ("3 hours", relativedelta(hours=3)),
        ("1 week", relativedelta(days=7)),
        ("1 year 2 months", relativedelta(years=1, months=2)),
        ("45 minutes", relativedelta(minutes=45)),
        ("1 minute", relativedelta(minutes=1)),
        ("2 weeks 1 day", relativedelta(days=15)),
        ("5 days 1 month", relativedelta(months=1, days=5)),
        ("  1   DAY\t2 Hours\n", relativedelta(days=1, hours=2)),
        ("3days", relativedelta(days=3)),
        ("01 day", relativedelta(days=1)),
        ("100 years", relativedelta(years=100)),
        ("36525 days", relativedelta(days=36525)),
    ],
)
def test_accepted(text: str, expected: relativedelta) -> None:
    assert parse_duration(text) == expected


def test_parts_keep_hours_apart_from_days() -> None:
    # relativedelta folds 30 hours into 1 day 6 hours; the parts must not.
    parts = parse_duration_parts("30 hours")
    assert parts == Duration(hours=30)
    assert parts.calendar == relativedelta()
    assert parse_duration("30 hours") == relativedelta(days=1, hours=6)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "duration"),
        ("   ", "duration"),
        ("five days", "duration"),
        ("1 fortnight", "duration"),
        ("1", "duration"),
        ("day", "duration"),
        ("0 days", "duration"),
        ("1 day 0 hours", "duration"),
        ("-1 day", "duration"),
        ("+1 day", "duration"),
        ("1.5 days", "duration"),
        ("1 day day", "duration"),
        ("1 day 2 days", "duration"),
        ("1 day, 2 hours", "duration"),
        ("1 day2 hours", "duration"),
        ("1 hr", "duration"),
        ("\u0661 day", "duration"),  # Arabic-Indic digit one
        ("1\u00a0day", "duration"),  # no-break space
        ("101 years", "bounds"),
        ("100 years 1 day", "bounds"),
        ("1201 months", "bounds"),
        ("36526 days", "bounds"),
        ("99999999999999999999999999 minutes", "bounds"),
        ("1 " + "x" * 200, "max_length"),
    ],
)
def test_refused(text: str, rule: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_duration(text, field="range")
    assert info.value.field == "range"
    assert info.value.rule == rule
    assert "range" in info.value.message


def test_unknown_unit_message_lists_units() -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_duration("1 fortnight")
    assert info.value.message == (
        'range: unknown unit "fortnight"; use minute, hour, day, week, month or year'
    )


def test_field_name_is_the_callers() -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_duration("soon", field="period")
    assert info.value.field == "period"
    assert info.value.message.startswith("period")


def test_huge_input_is_refused_on_length_first() -> None:
    with pytest.raises(InvalidParameter) as info:
        parse_duration("1 day " * 2000)
    assert info.value.rule == "max_length"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_only_raises_invalid_parameter(text: str) -> None:
    try:
        result = parse_duration(text)
    except InvalidParameter:
        return
    assert result != relativedelta()


_PART = st.tuples(
    st.integers(min_value=1, max_value=500),
    st.sampled_from(["minute", "hour", "day", "week", "month", "year"]),
    st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_PART, min_size=1, max_size=6, unique_by=lambda part: part[1]))
def test_well_formed_durations_parse_or_hit_the_bound(parts: list[tuple[int, str, bool]]) -> None:
    text = " ".join(f"{n} {unit}{'s' if plural else ''}" for n, unit, plural in parts)
    try:
        result = parse_duration_parts(text)
    except InvalidParameter as exc:
        assert exc.rule == "bounds"
        return
    for n, unit, _ in parts:
        assert getattr(result, unit + "s") == n
