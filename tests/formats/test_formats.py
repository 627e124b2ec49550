"""Every writer, every kind of row: parse the bytes back and compare."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import openpyxl
import orjson
import pytest

from turnout.core.errors import InvalidParameter
from turnout.formats import FORMATS, Column, FormatOptions, negotiate
from turnout.formats.base import CHUNK_SIZE

COLUMNS = [
    Column("name"),
    Column("visits", "integer"),
    Column("spend", "decimal"),
    Column("ratio", "float"),
    Column("active", "boolean"),
    Column("seen_at", "datetime"),
    Column("born", "date"),
    Column("extra", "json"),
]

Row = tuple[Any, ...]


def _row(i: int) -> Row:
    seen = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=i * 3607, microseconds=i * 7)
    return (
        f"guest {i}",
        i,
        Decimal(i) / 100,
        i / 3,
        i % 2,
        seen.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        (date(1990, 1, 1) + timedelta(days=i)).isoformat(),
        f'{{"i": {i}, "tags": ["a", "b"]}}',
    )


CASES: dict[str, list[Row]] = {
    "empty": [],
    "one_row": [_row(1)],
    "many_rows": [_row(i) for i in range(2500)],
    "unicode": [
        ("Zoë 🎉 naïve café", 1, None, None, None, None, None, None),
        ("東京 — 「引用」", 2, None, None, None, None, None, None),
        ('He said "hi", then left', 3, None, None, None, None, None, None),
        ("line one\nline two\r\nline three", 4, None, None, None, None, None, None),
        ("  padded  ", 5, None, None, None, None, None, None),
        ("<b>&amp;</b> ; 'quoted'", 6, None, None, None, None, None, '{"s": "é 🎉 \\"q\\""}'),
    ],
    "formula_like": [
        ("=1+1", -5, Decimal("-2.50"), -1.5, 0, None, None, None),
        ("+A1", 0, None, None, None, None, None, None),
        ("-2", None, None, None, None, None, None, None),
        ("@SUM(A1:A2)", None, None, None, None, None, None, None),
        ("\tcmd", None, None, None, None, None, None, None),
        ("\rcmd", None, None, None, None, None, None, None),
        ("safe = text", 1, None, None, None, None, None, None),
    ],
    "none_everywhere": [
        (None,) * len(COLUMNS),
        ("between", None, None, None, None, None, None, None),
        (None,) * len(COLUMNS),
    ],
    "typed_values": [
        (
            "objects",
            2**40,
            Decimal("12.3400"),
            0.1,
            True,
            datetime(2024, 5, 1, 11, 30, 15, 250000, tzinfo=timezone(timedelta(hours=2))),
            date(2024, 2, 29),
            {"nested": {"list": [1, 2.5, None, True]}},
        ),
        (
            "more",
            -7,
            Decimal("1E+3"),
            1e-7,
            False,
            "2024-05-01T09:30:00Z",
            "1999-12-31",
            b'["bytes", 1]',
        ),
        ("list json", 0, 5, 3, 1, datetime(2024, 5, 1, 9, 30, tzinfo=UTC), None, [1, "two"]),
    ],
}


# -- what each format should hand back ---------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return json.loads(value)
    return json.loads(value) if isinstance(value, str) else value


def _compact_json(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def expected_json(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, value in zip(COLUMNS, row, strict=True):
        if value is not None:
            if column.type in ("decimal", "float"):
                value = (
                    Decimal(str(value)) if not isinstance(value, float) else Decimal(repr(value))
                )
            elif column.type == "boolean":
                value = bool(value)
            elif column.type in ("datetime", "date"):
                value = _canonical(value) if column.type == "datetime" else str(value)
            elif column.type == "json":
                value = _json_value(value)
        out[column.name] = value
    return out


def expected_csv(row: Row) -> list[str]:
    out = []
    for column, value in zip(COLUMNS, row, strict=True):
        if value is None:
            text = ""
        elif column.type == "boolean":
            text = "true" if value else "false"
        elif column.type == "datetime":
            text = _canonical(value)
        elif column.type == "json":
            text = _compact_json(value)
        elif column.type == "string" and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            text = "'" + value
        else:
            text = str(value) if not isinstance(value, float) else repr(value)
        out.append(text)
    return out


def expected_xlsx(row: Row) -> list[Any]:
    out: list[Any] = []
    for column, value in zip(COLUMNS, row, strict=True):
        if value is not None:
            if column.type in ("decimal", "float"):
                value = pytest.approx(float(value))
            elif column.type == "boolean":
                value = bool(value)
            elif column.type == "datetime":
                moment = datetime.fromisoformat(_canonical(value)).replace(tzinfo=None)
                value = _to_millisecond(moment)
            elif column.type == "date":
                value = datetime.fromisoformat(str(value))
            elif column.type == "json":
                value = _compact_json(value)
        out.append(value)
    return out


def _to_millisecond(moment: datetime) -> datetime:
    # Excel keeps milliseconds; openpyxl rounds to them on reading.
    return moment.replace(microsecond=0) + timedelta(milliseconds=round(moment.microsecond / 1000))


# -- parse what each format wrote ----------------------------------------------------


def parse_json(data: bytes) -> list[dict[str, Any]]:
    document = json.loads(data, parse_float=Decimal)
    assert document["has_more"] is True and document["next_cursor"] == "abc"
    return document["data"]


def parse_ndjson(data: bytes) -> list[dict[str, Any]]:
    assert data == b"" or data.endswith(b"\n")
    return [json.loads(line, parse_float=Decimal) for line in data.splitlines()]


def parse_csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert "\r\n" in text
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header == [column.name for column in COLUMNS]
    return rows


def parse_xlsx(data: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=False)
    assert workbook.sheetnames == ["data"]
    sheet = workbook["data"]
    header, *rows = [list(values) for values in sheet.iter_rows(values_only=True)]
    assert header == [column.name for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    return rows


PARSERS: dict[str, tuple[Callable[[bytes], list[Any]], Callable[[Row], Any]]] = {
    "json": (parse_json, expected_json),
    "ndjson": (parse_ndjson, expected_json),
    "csv": (parse_csv, expected_csv),
    "xlsx": (parse_xlsx, expected_xlsx),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name", FORMATS)
def test_round_trip(name: str, case: str) -> None:
    rows = CASES[case]
    chunks = list(
        FORMATS[name].stream(COLUMNS, rows, meta={"next_cursor": "abc", "has_more": True})
    )
    assert all(isinstance(chunk, bytes) for chunk in chunks)
    parse, expect = PARSERS[name]
    got = parse(b"".join(chunks))
    want = [expect(row) for row in rows]
    if name == "xlsx":
        # A sheet has no trace of trailing rows without a single value.
        while len(got) < len(want) and not any(v is not None for v in want[len(got)]):
            got.append([None] * len(COLUMNS))
    assert got == want


def test_decimal_is_written_exactly_as_its_str() -> None:
    rows = [("d", 1, Decimal("12.3400"), None, None, None, None, None)]
    for name in ("json", "ndjson"):
        data = b"".join(FORMATS[name].stream(COLUMNS, rows))
        assert b'"spend":12.3400' in data
    assert b",12.3400," in b"".join(FORMATS["csv"].stream(COLUMNS, rows))


def test_json_text_is_embedded_not_escaped() -> None:
    rows = [("j", None, None, None, None, None, None, '{"a": 1}')]
    assert b'"extra":{"a": 1}' in b"".join(FORMATS["json"].stream(COLUMNS, rows))


def test_json_tail_carries_meta_in_order() -> None:
    data = b"".join(FORMATS["json"].stream(COLUMNS, [], meta={"next_cursor": None, "n": 1}))
    assert data == b'{"data":[],"next_cursor":null,"n":1}'
    assert b"".join(FORMATS["json"].stream(COLUMNS, [])) == b'{"data":[]}'


def test_csv_bom_and_header_only() -> None:
    data = b"".join(FORMATS["csv"].stream(COLUMNS, [], options=FormatOptions(bom=True)))
    assert data == b"\xef\xbb\xbf" + ",".join(c.name for c in COLUMNS).encode() + b"\r\n"


@pytest.mark.parametrize("name", ["json", "ndjson", "csv", "xlsx"])
def test_chunks_are_about_64_kib(name: str) -> None:
    rows = CASES["many_rows"] * 4
    sizes = [len(chunk) for chunk in FORMATS[name].stream(COLUMNS, rows)]
    assert len(sizes) >= 2
    assert all(CHUNK_SIZE <= size <= 4 * CHUNK_SIZE for size in sizes[:-1])


# -- negotiate -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_param", "accept", "chosen"),
    [
        ("csv", "application/json", "csv"),
        ("XLSX", None, "xlsx"),
        (None, None, "json"),
        (None, "*/*", "json"),
        (None, "", "json"),
        (None, "application/x-ndjson", "ndjson"),
        (None, "application/jsonl", "ndjson"),
        (None, "text/csv; charset=utf-8", "csv"),
        (None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        (None, "text/html, text/csv;q=0.5, application/json;q=0.9", "json"),
        (None, "text/csv;q=0, application/x-ndjson", "ndjson"),
        (None, "text/html, image/png", "json"),
        (None, "garbage;;;q=x", "json"),
    ],
)
def test_negotiate(format_param: str | None, accept: str | None, chosen: str) -> None:
    assert negotiate(format_param, accept).name == chosen


def test_negotiate_default_and_unknown_format() -> None:
    assert negotiate(None, "*/*", default="csv").name == "csv"
    with pytest.raises(InvalidParameter) as caught:
        negotiate("pdf", "text/csv")
    assert caught.value.field == "format"
    assert caught.value.rule == "one_of"


def test_formats_expose_their_media_types() -> None:
    media: dict[str, Sequence[str]] = {
        "json": ("application/json", "json"),
        "ndjson": ("application/x-ndjson", "ndjson"),
        "csv": ("text/csv; charset=utf-8", "csv"),
        "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    }
    for name, (media_type, extension) in media.items():
        writer = FORMATS[name]
        assert (writer.name, writer.media_type, writer.extension) == (name, media_type, extension)
