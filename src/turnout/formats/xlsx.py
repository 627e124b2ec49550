"""A real .xlsx workbook, streamed: sheet XML is built row by row and deflated into
a zip stream (stream-zip, deflated by ISA-L where installed) as it goes, so bytes
leave early and memory stays flat.

Sheets come first in the zip; workbook.xml, its rels and the content types follow
once the sheet count is known (zip member order does not matter).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain, islice, repeat
from stat import S_IFREG
from typing import Any
from zoneinfo import ZoneInfo

from stream_zip import ZIP_32, stream_zip

from turnout.formats.base import (
    BATCH_ROWS,
    CHUNK_SIZE,
    DEFAULT_OPTIONS,
    Column,
    FormatOptions,
)
from turnout.formats.deflate import deflate
from turnout.formats.escaping import xml_text
from turnout.formats.xlsx_cells import (
    CONVERTERS,
    DATETIME,
    HEADER_STYLE,
    NUMBER_END,
    PIECES,
    DatetimeCells,
    text_column,
    text_tail,
)

# Excel's row limit, header included; tests monkeypatch it small.
MAX_ROWS_PER_SHEET = 1_048_576
# A sheet part is closed (and the rest continues on a new sheet) once it holds
# this many bytes, safely below the 2 GiB that zip32 members may hold here.
MAX_SHEET_BYTES = 1_900_000_000
COMPRESS_LEVEL = 1
_SHEET_PART = "xl/worksheets/sheet{}.xml"
_MODE = S_IFREG | 0o644


def _compressor() -> Any:
    # Raw deflate (no zlib header) is what a zip member holds.
    return deflate.compressobj(COMPRESS_LEVEL, deflate.DEFLATED, -deflate.MAX_WBITS)


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

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
_WIDTHS = {"datetime": 20, "date": 11}  # so Excel does not show "#######"


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
    # ZIP_32 members with data descriptors and no extra fields: Zip64 extras on
    # small parts make Excel (Online at least) call the file corrupt.
    members = _members(columns, source, options)
    chunks = stream_zip(
        members, chunk_size=CHUNK_SIZE, get_compressobj=_compressor, extended_timestamps=False
    )
    return iter(chunks)


MemberFile = tuple[str, datetime, int, Any, Iterable[bytes]]


def _members(
    columns: Sequence[Column], source: Iterator[Sequence[Any]], options: FormatOptions
) -> Iterator[MemberFile]:
    rows_xml = _rows_writer(columns, options.tz)
    head = _sheet_head(columns) + _header_row(columns)
    modified = datetime.now()  # zip member times are local wall time
    pending: list[Sequence[Any]] = []  # a row peeked at while closing a sheet
    sheets = 0
    while sheets == 0 or pending:
        sheets += 1
        rows = chain(pending, source)
        pending = []
        sheet = _sheet(head, rows, rows_xml)
        yield _SHEET_PART.format(sheets), modified, _MODE, ZIP_32, sheet
        # stream_zip asks for the next member only once this sheet is written.
        pending.extend(islice(source, 1))
    for arcname, data in _package_parts(columns, options.sheet_name, sheets).items():
        yield arcname, modified, _MODE, ZIP_32, (data,)


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
    """XML for a batch of rows, built a column at a time.

    A column that is all null in the batch is skipped whole; in one with gaps,
    only the values present are converted. Values are converted by C loops over
    the whole column (`xlsx_cells`), and each cell is one f-string in a list
    comprehension, measured faster here than joining its pieces with `map`.
    """
    datetimes = DatetimeCells(tz)  # one memo for every datetime column
    specs = [
        (
            f'<c r="{_column_letter(i)}',
            c.type,
            *PIECES.get(c.type, ("", "")),
            datetimes if c.type == "datetime" else CONVERTERS.get(c.type),
        )
        for i, c in enumerate(columns)
    ]

    def rows_xml(batch: list[Sequence[Any]], number: int) -> str:
        n = len(batch)
        refs = list(map(str, range(number, number + n)))
        parts: list[Iterable[str]] = [map(_ROW_OPEN.format, refs)]
        values = zip(*batch, strict=True)
        for (start, kind, mid, end, convert), column in zip(specs, values, strict=True):
            nulls = column.count(None)
            if nulls == n:
                continue
            present: Sequence[Any] = [v for v in column if v is not None] if nulls else column
            if kind == "string":
                present, mid = text_column(present)
            elif kind == "datetime" and (serials := datetimes.serials(present)):
                present, mid, end = serials, DATETIME, NUMBER_END
            elif convert is not None:
                present = list(map(convert, present))
                if None in present:  # NaN has no cell form either
                    it = iter(present)
                    column = tuple(next(it) if v is not None else None for v in column)
                    present = [v for v in column if v is not None]
                    nulls = n - len(present)
            if nulls:
                it = iter(present)
                cells = [
                    f"{start}{ref}{mid}{next(it)}{end}" if value is not None else ""
                    for ref, value in zip(refs, column, strict=True)
                ]
            else:
                cells = [
                    f"{start}{ref}{mid}{value}{end}"
                    for ref, value in zip(refs, present, strict=True)
                ]
            parts.append(cells)
        parts.append(repeat("</row>", n))
        return "".join(map("".join, zip(*parts, strict=True)))

    return rows_xml


_ROW_OPEN = '<row r="{}">'


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
        f'<c r="{_column_letter(i)}1" s="{HEADER_STYLE}{text_tail(c.name)}'
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
    # stream_zip cuts CHUNK_SIZE blocks but flushes at every member's header and
    # end, giving small pieces (54 bytes, the package parts); regroup them.
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
