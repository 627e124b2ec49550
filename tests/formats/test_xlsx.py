"""XLSX specifics: sheet rollover, streaming, cell types and the zip container."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from turnout.formats import FORMATS, Column, FormatOptions
from turnout.formats import xlsx as xlsx_module

XLSX = FORMATS["xlsx"]


def _write(columns: list[Column], rows: Any, options: FormatOptions | None = None) -> bytes:
    return b"".join(XLSX.stream(columns, rows, options=options))


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), read_only=False)


def _sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


@pytest.mark.parametrize(
    ("count", "sheets"),
    [
        (0, ["data"]),
        (3, ["data"]),
        (4, ["data"]),
        (5, ["data", "data 2"]),
        (8, ["data", "data 2"]),
        (10, ["data", "data 2", "data 3"]),
    ],
)
def test_rows_roll_over_to_new_sheets(
    monkeypatch: pytest.MonkeyPatch, count: int, sheets: list[str]
) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS_PER_SHEET", 5)
    columns = [Column("n", "integer"), Column("label")]
    rows = [(i, f"row {i}") for i in range(count)]
    workbook = _load(_write(columns, iter(rows)))
    assert workbook.sheetnames == sheets
    seen: list[tuple[Any, ...]] = []
    for sheet in workbook:
        header, *body = sheet.iter_rows(values_only=True)
        assert header == ("n", "label")
        assert 1 <= sheet.max_row <= 5
        seen.extend(body)
    assert seen == rows


def test_sheet_names_are_made_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS_PER_SHEET", 2)
    options = FormatOptions(sheet_name="Q1/Q2: sales & 'more' [draft] for the whole team")
    workbook = _load(_write([Column("a")], [("x",), ("y",)], options))
    first, second = workbook.sheetnames
    assert first == "Q1_Q2_ sales & 'more' _draft_ f"
    assert second == "Q1_Q2_ sales & 'more' _draft_ 2"
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_first_chunk_leaves_before_the_rows_run_out() -> None:
    pulled = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal pulled
        for i in range(300_000):
            pulled += 1
            if pulled > 200_000:
                raise AssertionError("the writer buffered the whole export")
            yield (i, f"guest {i}", "2024-05-01T09:30:00.000000Z", i * 0.5)

    columns = [
        Column("n", "integer"),
        Column("name"),
        Column("at", "datetime"),
        Column("x", "float"),
    ]
    chunks = XLSX.stream(columns, rows())
    first = next(iter(chunks))
    assert first.startswith(b"PK\x03\x04")
    assert pulled < 50_000


def test_formula_like_text_stays_text() -> None:
    data = _write([Column("text"), Column("n", "integer")], [("=1+1", -5), ("@SUM(A1)", 3)])
    cell = _load(data)["data"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert _load(data)["data"]["B2"].value == -5
    assert "<f>" not in _sheet_xml(data)


def test_cell_types() -> None:
    columns = [
        Column("n", "integer"),
        Column("d", "decimal"),
        Column("f", "float"),
        Column("b", "boolean"),
        Column("at", "datetime"),
        Column("day", "date"),
    ]
    row = (7, Decimal("2.50"), 1.25, 1, "2024-05-01T09:30:00.123456Z", "2024-05-01")
    sheet = _load(_write(columns, [row, (None, None, None, False, None, None)]))["data"]
    n, d, f, b, at, day = (cell.value for cell in sheet[2])
    assert (n, d, f, b) == (7, 2.5, 1.25, True)
    assert isinstance(n, int) and isinstance(b, bool)
    assert at == datetime(2024, 5, 1, 9, 30, 0, 123000)
    assert sheet["E2"].is_date and sheet["F2"].is_date
    assert day == datetime(2024, 5, 1)
    assert sheet["D3"].value is False


def test_datetimes_show_wall_time_of_the_chosen_zone() -> None:
    columns = [Column("at", "datetime")]
    rows = [("2024-05-01T09:30:00Z",), ("2024-01-15T09:30:00.000000Z",)]
    options = FormatOptions(tz=ZoneInfo("Europe/Berlin"))
    sheet = _load(_write(columns, rows, options))["data"]
    assert [sheet["A2"].value, sheet["A3"].value] == [
        datetime(2024, 5, 1, 11, 30),
        datetime(2024, 1, 15, 10, 30),
    ]


def test_values_excel_cannot_hold() -> None:
    columns = [Column("f", "float"), Column("d", "decimal"), Column("at", "datetime")]
    rows = [
        (float("nan"), Decimal("NaN"), "not a date"),
        (float("inf"), Decimal("-Infinity"), datetime(1850, 1, 1)),
        (float("-inf"), Decimal("1"), "1900-01-01T12:00:00Z"),
    ]
    sheet = _load(_write(columns, rows))["data"]
    assert [cell.value for cell in sheet[2]] == [None, None, "not a date"]
    assert [cell.value for cell in sheet[3]] == [None, None, "1850-01-01 00:00:00"]
    assert [cell.value for cell in sheet[4]] == [None, 1, datetime(1900, 1, 1, 12)]


def test_text_is_made_xml_safe() -> None:
    long_text = "x" * 40_000
    rows = [("a\x00b\x1fc\x0bd\ufffe",), ("<&>\"'",), (long_text,), ("_x0041_",), (" edge ",)]
    data = _write([Column("text")], rows)
    values = [cell.value for (cell,) in _load(data)["data"].iter_rows(min_row=2)]
    assert values[:2] == ["abcd", "<&>\"'"]
    assert values[2] == "x" * 32_767
    assert values[4] == " edge "
    # Excel's own `_xHHHH_` escape would otherwise turn this into "A".
    assert "_x005F_x0041_" in _sheet_xml(data)


def test_zip_container_is_plain_zip32_with_sheets_first() -> None:
    data = _write([Column("a"), Column("day", "date")], [("x", date(2024, 1, 2))])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [info.filename for info in infos] == [
            "xl/worksheets/sheet1.xml",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "_rels/.rels",
            "[Content_Types].xml",
        ]
        # Zip64 extras on small parts make Excel call the file corrupt.
        assert all(info.extra == b"" and info.extract_version == 20 for info in infos)
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in infos)
