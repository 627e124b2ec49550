"""A real .xlsx workbook, streamed: sheet XML is built row by row and deflated into
a zip stream as it goes, so bytes leave early and memory stays flat.

Sheets come first in the zip; workbook.xml, its rels and the content types follow
once the sheet count is known (zip member order does not matter).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import chain, islice
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from zipstream import ZIP_DEFLATED, ZipStream

from turnout.formats.base import (
    BATCH_ROWS,
    CHUNK_SIZE,
    DEFAULT_OPTIONS,
    Column,
    FormatOptions,
    date_text,
)
from turnout.formats.escaping import EXCEL_MAX_TEXT, XML_UNSAFE, xml_text

# Excel's row limit, header included; tests monkeypatch it small.
MAX_ROWS_PER_SHEET = 1_048_576
# A sheet part is closed (and the rest continues on a new sheet) once it holds
# this many bytes, safely below the 2 GiB that zip32 members may hold here.
MAX_SHEET_BYTES = 1_900_000_000
COMPRESS_LEVEL = 1

# Without a size, zipstream-ng gives every streamed member a Zip64 local header,
# which Excel (Online at least) rejects on small parts. A size hint below its
# Zip64 threshold (2 GiB / 1.05) keeps plain zip32 entries with data descriptors;
# MAX_SHEET_BYTES keeps the real size under the 2 GiB it then enforces.
_SIZE_HINT = MAX_SHEET_BYTES
_SHEET_PART = "xl/worksheets/sheet{}.xml"


class _HintMismatchFilter(logging.Filter):
    """zipstream-ng would log the deliberate size-hint mismatch for every sheet."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        return not (
            str(record.msg).startswith("Size mismatch")
            and isinstance(args, tuple)
            and str(args[0]).startswith("xl/worksheets/sheet")
        )


logging.getLogger("zipstream.ng").addFilter(_HintMismatchFilter())

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_HEADER_STYLE, _DATETIME_STYLE, _DATE_STYLE = 1, 2, 3
_STYLES = (
    f'{_XML_DECL}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
# Always keep spaces: Excel trims leading/trailing ones otherwise, and deciding
# per cell would cost a check per cell.
_TEXT = '" t="inlineStr"><is><t xml:space="preserve">'
_TEXT_END = "</t></is></c>"
_NUMBER, _NUMBER_END = '"><v>', "</v></c>"
# Cells per column type: (text between reference and value, text after value).
# Converters of dates and datetimes, which may fall back to text, return the
# whole tail instead.
_PIECES = {
    "string": (_TEXT, _TEXT_END),
    "json": (_TEXT, _TEXT_END),
    "integer": (_NUMBER, _NUMBER_END),
    "decimal": (_NUMBER, _NUMBER_END),
    "float": (_NUMBER, _NUMBER_END),
    "boolean": ('" t="b"><v>', _NUMBER_END),
}
_WIDTHS = {"datetime": 20, "date": 11}  # so Excel does not show "#######"
_EPOCH_UTC = datetime(1899, 12, 30, tzinfo=UTC)
_EPOCH_DATE = _EPOCH_UTC.date()
_DAY = timedelta(days=1)


class XlsxFormat:
    name = "xlsx"
    media_type = f"{_CT}.sheet"
    extension = "xlsx"

    def stream(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        meta: Mapping[str, Any] | None = None,
        options: FormatOptions | None = None,
    ) -> Iterator[bytes]:
        options = options or DEFAULT_OPTIONS
        return _rechunk(_workbook(columns, iter(rows), options))


def _workbook(
    columns: Sequence[Column], source: Iterator[Sequence[Any]], options: FormatOptions
) -> Iterator[bytes]:
    archive = ZipStream(compress_type=ZIP_DEFLATED, compress_level=COMPRESS_LEVEL)
    rows_xml = _rows_writer(columns, options.tz)
    head = _sheet_head(columns) + _header_row(columns)
    pending: list[Sequence[Any]] = []  # a row peeked at while closing a sheet
    sheets = 0
    while sheets == 0 or pending:
        sheets += 1
        rows = chain(pending, source)
        pending = []
        archive.add(_sheet(head, rows, rows_xml), _SHEET_PART.format(sheets), size=_SIZE_HINT)
        # Stream this sheet fully before deciding whether another one follows.
        yield from archive.all_files()
        pending.extend(islice(source, 1))
    for arcname, data in _package_parts(columns, options.sheet_name, sheets).items():
        archive.add(data, arcname)
    yield from archive.finalize()


def _sheet(head: str, rows: Iterator[Sequence[Any]], rows_xml: RowsWriter) -> Iterator[bytes]:
    parts = [head]
    size = written = 0
    number = 2  # row 1 is the header
    left = MAX_ROWS_PER_SHEET - 1
    while left > 0 and (batch := list(islice(rows, min(BATCH_ROWS, left)))):
        text = rows_xml(batch, number)
        number += len(batch)
        left -= len(batch)
        parts.append(text)
        size += len(text)
        if size >= CHUNK_SIZE:
            chunk = "".join(parts).encode()
            parts.clear()
            size = 0
            yield chunk
            written += len(chunk)
            if written >= MAX_SHEET_BYTES:
                break
    parts.append("</sheetData></worksheet>")
    yield "".join(parts).encode()


RowsWriter = Callable[[list[Sequence[Any]], int], str]


def _rows_writer(columns: Sequence[Column], tz: ZoneInfo | None) -> RowsWriter:
    """XML for a batch of rows: values are converted column by column, and text
    columns are scanned once per batch so that clean text needs no call per cell.
    """
    refs = [f'<c r="{_column_letter(i)}' for i in range(len(columns))]
    mids = [_PIECES.get(c.type, ("", ""))[0] for c in columns]
    ends = [_PIECES.get(c.type, ("", ""))[1] for c in columns]
    cells = list(zip(refs, mids, ends, strict=True))
    converters = [(i, _converter(c.type, tz)) for i, c in enumerate(columns) if c.type in _CONVERTS]
    texts = [i for i, c in enumerate(columns) if c.type == "string"]

    def rows_xml(batch: list[Sequence[Any]], number: int) -> str:
        values: list[Iterable[Any]] = list(zip(*batch, strict=True))
        for index, convert in converters:
            values[index] = map(convert, values[index])
        for index in texts:
            column = values[index]
            joined = "\n".join(map(str, filter(None, column)))
            if _UNSAFE_TEXT(joined) or (
                len(joined) > EXCEL_MAX_TEXT
                and max(map(len, map(str, filter(None, column)))) > EXCEL_MAX_TEXT
            ):
                values[index] = map(_text, column)
        out = []
        for row in zip(*values, strict=True):
            ref = str(number)
            number += 1
            pairs = zip(cells, row, strict=True)
            body = "".join([f"{c}{ref}{m}{v}{e}" for (c, m, e), v in pairs if v is not None])
            out.append(f'<row r="{ref}">{body}</row>')
        return "".join(out)

    return rows_xml


def _converter(kind: str, tz: ZoneInfo | None) -> Callable[[Any], Any]:
    return _datetime_converter(tz) if kind == "datetime" else _CONVERTERS[kind]


# Over a column's `\n`-joined text; a false alarm only costs the exact path.
_UNSAFE_TEXT = XML_UNSAFE.search


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return xml_text(value if value.__class__ is str else str(value))


def _text_tail(value: Any) -> str:
    return f"{_TEXT}{xml_text(str(value))}{_TEXT_END}"


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return xml_text(bytes(value).decode("utf-8", "replace"))
    return xml_text(value if value.__class__ is str else orjson.dumps(value).decode())


def _real(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    # NaN and infinities ("nan", "inf", "Infinity") have no cell form; an empty
    # cell beats a corrupt file.
    return text if text[-1:].isdigit() else None


class _Booleans(dict[Any, str | None]):
    def __missing__(self, key: Any) -> str:
        return "1" if key else "0"


def _early_serial_tail(serial: float, style: int, value: Any) -> str:
    serial -= 1  # Excel counts a 1900-02-29 that never was
    if serial < 1:  # and has no dates before 1900 at all: keep the text
        return _text_tail(value)
    return f'" s="{style}"><v>{serial!r}</v></c>'


def _datetime_converter(tz: ZoneInfo | None) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if value.__class__ is str else value
            if moment.tzinfo is None:  # the database hands out UTC
                moment = moment.replace(tzinfo=UTC)
            delta = moment - _EPOCH_UTC
            offset = moment.astimezone(tz).utcoffset() if tz is not None else None
            if offset is not None:
                delta += offset
        except (TypeError, ValueError, AttributeError):
            return _text_tail(value)
        serial = delta / _DAY
        if serial >= 61:
            return f'" s="{_DATETIME_STYLE}"><v>{serial!r}</v></c>'
        return _early_serial_tail(serial, _DATETIME_STYLE, value)

    return convert


def _date_tail(value: Any) -> str | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value if value.__class__ is str else date_text(value))
    except (TypeError, ValueError, AttributeError):
        return _text_tail(value)
    serial = (day - _EPOCH_DATE).days
    if serial >= 61:
        return f'" s="{_DATE_STYLE}"><v>{serial}</v></c>'
    return _early_serial_tail(serial, _DATE_STYLE, value)


_CONVERTS = {"json", "decimal", "float", "boolean", "date", "datetime"}
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "json": _json_text,
    "decimal": _real,
    "float": _real,
    "boolean": _Booleans({None: None, 0: "0", 1: "1"}).__getitem__,
    "date": _date_tail,
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_head(columns: Sequence[Column]) -> str:
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{_WIDTHS[c.type]}" customWidth="1"/>'
        for i, c in enumerate(columns, start=1)
        if c.type in _WIDTHS
    )
    return (
        f'{_XML_DECL}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        f"</sheetView></sheetViews>{f'<cols>{widths}</cols>' if widths else ''}<sheetData>"
    )


def _header_row(columns: Sequence[Column]) -> str:
    cells = "".join(
        f'<c r="{_column_letter(i)}1" s="{_HEADER_STYLE}{_text_tail(c.name)}'
        for i, c in enumerate(columns)
    )
    return f'<row r="1">{cells}</row>'


def _sheet_names(base: str, count: int) -> list[str]:
    # Excel: at most 31 characters, none of []:*?/\ and no leading/trailing quote.
    base = re.sub(r"[\[\]:*?/\\]", "_", base).strip("'").strip() or "data"
    names = []
    for number in range(1, count + 1):
        suffix = "" if number == 1 else f" {number}"
        names.append(base[: 31 - len(suffix)].rstrip("'") + suffix)
    return names


def _attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def _package_parts(columns: Sequence[Column], base: str, count: int) -> dict[str, bytes]:
    names = _sheet_names(base, count)
    sheets = "".join(
        f'<sheet name="{_attr(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    parts = {
        "xl/styles.xml": _STYLES,
        "xl/workbook.xml": f'{_XML_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
        f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{_XML_DECL}<Relationships xmlns="{_PKG_RELS}">'
        f'{sheet_rels}<Relationship Id="rId{count + 1}" Type="{_RELS}/styles" '
        'Target="styles.xml"/></Relationships>',
        "_rels/.rels": f'{_XML_DECL}<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "[Content_Types].xml": f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{_CT}.sheet.main+xml"/>{overrides}<Override PartName="/xl/styles.xml" '
        f'ContentType="{_CT}.styles+xml"/></Types>',
    }
    return {arcname: text.encode() for arcname, text in parts.items()}


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # Deflate emits many small (often empty) pieces; regroup them into ~CHUNK_SIZE.
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        if chunk:
            parts.append(chunk)
            size += len(chunk)
            if size >= CHUNK_SIZE:
                yield b"".join(parts)
                parts.clear()
                size = 0
    if parts:
        yield b"".join(parts)
