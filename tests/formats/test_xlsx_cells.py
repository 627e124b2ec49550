"""The fast paths of XLSX cells agree with the exact ones, value for value.

`DatetimeCells` converts a batch column with cached hour offsets and integer
microseconds; `exact_datetime_tail` is the plain datetime arithmetic it must match,
also across DST changes, zones with odd offsets, and inputs in other forms.
`text_column` escapes a batch's joined text once; `xml_text` per cell is the rule.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.formats import FORMATS, Column, FormatOptions, xlsx_cells
from turnout.formats import xlsx as xlsx_module
from turnout.formats.xlsx_cells import (
    DATETIME,
    NUMBER_END,
    PLAIN_TEXT,
    TEXT,
    DatetimeCells,
    exact_datetime_tail,
    text,
    text_column,
)

ZONES = [
    None,
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # DST shifts by 30 minutes
    "Asia/Kathmandu",  # +05:45, and +05:30 before 1986
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -03:30, DST
]


def _tz(name: str | None) -> ZoneInfo | None:
    return None if name is None else ZoneInfo(name)


def _db_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


moments = st.datetimes(
    min_value=datetime(1900, 3, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(moments, min_size=1, max_size=40), zone=st.sampled_from(ZONES))
def test_batch_serials_equal_the_exact_arithmetic(batch: list[datetime], zone: str | None) -> None:
    tz = _tz(zone)
    cells = DatetimeCells(tz)
    for column in ([_db_text(m) for m in batch], batch):
        serials = cells.serials(column)
        assert serials is not None
        tails = [f"{DATETIME}{s}{NUMBER_END}" for s in serials]
        assert tails == [exact_datetime_tail(v, tz) for v in column]


@pytest.mark.parametrize("zone", ["Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_every_minute_around_offset_changes(zone: str) -> None:
    tz = ZoneInfo(zone)
    # Each zone's changes in these years, walked minute by minute (with odd seconds).
    starts = {
        "Europe/London": [datetime(2024, 3, 31, tzinfo=UTC), datetime(2024, 10, 27, tzinfo=UTC)],
        "Australia/Lord_Howe": [
            datetime(2024, 4, 6, 12, tzinfo=UTC),
            datetime(2024, 10, 5, 12, tzinfo=UTC),
        ],
        "Asia/Kathmandu": [datetime(1985, 12, 31, 17, tzinfo=UTC)],
    }[zone]
    cells = DatetimeCells(tz)
    for start in starts:
        column = [start + timedelta(minutes=m, seconds=7, microseconds=m) for m in range(180)]
        for values in (column, [_db_text(m) for m in column]):
            serials = cells.serials(values)
            if serials is None:  # an hour the fast path hands over: each value, exactly
                serials = [cells(v) for v in values]
            else:
                serials = [f"{DATETIME}{s}{NUMBER_END}" for s in serials]
            assert serials == [exact_datetime_tail(v, tz) for v in values]


@pytest.mark.parametrize(
    "column",
    [
        ["2024-05-01T09:30:00Z"],  # another ISO form
        ["2024-05-01 09:30:00.000000Z"],  # a space for the T
        ["2024-05-01T09:30:00.000000+"],  # not Z
        ["2024-05-01T09:61:00.000000Z"],  # no such minute
        ["2024-05-01T09:30:00.00x000Z"],  # not digits
        ["not a date at all, but 27 c"],
        ["1899-01-01T00:00:00.000000Z"],  # before Excel's dates
        [datetime(2024, 5, 1, 9, 30)],  # naive
        [datetime(2024, 5, 1, 9, 30, tzinfo=UTC), "2024-05-01T09:30:00.000000Z", 5],
    ],
)
def test_values_in_other_forms_take_the_exact_path(column: list[object]) -> None:
    cells = DatetimeCells(ZoneInfo("Europe/Paris"))
    assert cells.serials(column) is None
    for value in column:
        assert cells(value) == exact_datetime_tail(value, ZoneInfo("Europe/Paris"))


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_cells, "_MAX_MEMO", 10)
    cells = DatetimeCells(None)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for batch in range(5):
        column = [_db_text(base + timedelta(minutes=batch * 7 + i)) for i in range(8)]
        serials = cells.serials(column)
        assert serials is not None
        assert [f"{DATETIME}{s}{NUMBER_END}" for s in serials] == [
            exact_datetime_tail(v, None) for v in column
        ]
        assert len(cells.memo) <= 10 + 8


@pytest.mark.parametrize(
    ("column", "middle"),
    [
        (["plain", "words here", ""], PLAIN_TEXT),
        (["plain", " leading"], TEXT),
        (["trailing ", "plain"], TEXT),
        (["tab\there", "x"], TEXT),
        (["line\n", "x"], TEXT),
        (["\nline", "x"], TEXT),
        (["x", "\u00a0nbsp"], TEXT),
        (["café", "naïve"], PLAIN_TEXT),
        (["Saints & Sinners", "<b>", "a>b"], PLAIN_TEXT),
        (["two\nlines & more", "x"], TEXT),
        (["a\x00b", "_x0041_", "\r"], TEXT),
        (["\x00 space once escaped", "x"], TEXT),
        (["x" * 40_000, "y"], TEXT),
        ([1, 2.5, "three"], PLAIN_TEXT),
    ],
)
def test_text_columns_match_cell_by_cell_escaping(column: list[object], middle: str) -> None:
    escaped, got_middle = text_column(column)
    assert list(escaped) == [text(v) for v in column]
    assert got_middle == middle


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), min_size=1))
def test_text_columns_match_cell_by_cell_escaping_for_any_text(column: list[str]) -> None:
    escaped, middle = text_column(column)
    assert list(escaped) == [text(v) for v in column]
    if any(v != v.strip() for v in escaped):
        assert middle == TEXT


def test_a_workbook_with_gaps_nans_and_repeated_times_reads_back() -> None:
    columns = [Column("at", "datetime"), Column("f", "float"), Column("s"), Column("n", "integer")]
    slot = "2024-05-01T09:30:00.000000Z"
    rows = [
        (slot if i % 3 else None, math.nan if i % 5 == 0 else i / 4, None if i % 2 else "x", i)
        for i in range(600)
    ]
    data = b"".join(FORMATS["xlsx"].stream(columns, rows, options=FormatOptions(tz=UTC)))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["data"]
    got = [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    want = [
        (
            datetime(2024, 5, 1, 9, 30) if at else None,
            None if isinstance(f, float) and math.isnan(f) else f,
            s,
            n,
        )
        for at, f, s, n in rows
    ]
    assert got == want


def test_zlib_deflates_the_same_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where isal has no wheel, the stdlib's zlib stands in."""
    columns = [Column("n", "integer"), Column("s")]
    rows = [(i, f"row {i}") for i in range(2000)]
    with_isal = b"".join(FORMATS["xlsx"].stream(columns, rows))
    monkeypatch.setattr(xlsx_module, "deflate", zlib)
    with_zlib = b"".join(FORMATS["xlsx"].stream(columns, rows))
    for data in (with_isal, with_zlib):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
        sheet = openpyxl.load_workbook(io.BytesIO(data))["data"]
        assert [r for r in sheet.iter_rows(min_row=2, values_only=True)] == rows
    assert with_isal != with_zlib
