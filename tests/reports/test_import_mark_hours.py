"""The bulk hour spans of `mark_import` (`_spans`) are those of its row-by-row rule
(`_hours`), for any mix of zones, gaps, reversed pairs, naive or missing values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import TzInfo

from turnout.reports.rollups.import_marks import _hours, _spans

# pydantic's own fixed offsets are what the API's models give.
ZONES = (
    UTC,
    TzInfo(0),
    TzInfo(3600),
    timezone(timedelta(hours=5, minutes=45)),
    timezone(-timedelta(hours=11)),
)


def aware(zones: tuple) -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(zones),
    )


moments = aware(ZONES) | st.datetimes(timezones=st.just(ZoneInfo("Europe/Berlin"))) | st.none()
lengths = st.timedeltas(min_value=-timedelta(days=2), max_value=timedelta(days=900))


def _row_by_row(starts: list, ends: list) -> set:
    found = set()
    for start, end in zip(starts, ends, strict=True):
        try:
            found.add(_hours(start, end))
        except OverflowError:
            return {"overflow"}
    found.discard(None)
    return found


def _bulk(starts: list, ends: list) -> set:
    try:
        return _spans(starts, ends)
    except OverflowError:
        return {"overflow"}


@given(st.lists(st.tuples(aware(ZONES[:2]), lengths), max_size=20), st.sampled_from(ZONES))
def test_utc_pairs_span_the_same_hours(rows, end_zone):
    """All UTC (the fast path), or an end elsewhere (row by row)."""
    _same_spans(rows, (UTC, TzInfo(0)))
    _same_spans(rows, (UTC, end_zone))


@given(st.lists(st.tuples(aware(ZONES), lengths), max_size=20))
def test_aware_pairs_span_the_same_hours(rows):
    _same_spans(rows, ZONES)


def _same_spans(rows: list, end_zones: tuple) -> None:
    starts, ends = [], []
    for start, length in rows:
        try:
            end = (start + length).astimezone(end_zones[len(starts) % len(end_zones)])
        except OverflowError:
            continue
        starts.append(start)
        ends.append(end)
    assert _bulk(starts, ends) == _row_by_row(starts, ends)


@given(st.lists(st.tuples(moments | st.datetimes(), moments | st.datetimes()), max_size=8))
def test_naive_missing_and_mixed_values_span_the_same_hours(rows):
    starts = [start for start, _ in rows]
    ends = [end for _, end in rows]
    assert _bulk(starts, ends) == _row_by_row(starts, ends)
