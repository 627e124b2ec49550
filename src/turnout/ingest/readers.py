"""Streaming readers for import files: NDJSON, CSV (with a header row), JSON arrays.

Each reader turns a binary stream into `(line, record)` pairs, lazily, where
`line` is the 1-based line the record starts on and `record` is a dict of field
values, the JSON text of one object (NDJSON: the model parses it directly), or a
`BadRecord` (this one record could not be read: the import reports it and goes
on). Problems that make the rest of the file unreadable — a
missing CSV column, a broken quote, bytes that are not UTF-8, a JSON array that
stops making sense — raise `FileProblem` naming the line.

CSV cells are text; an empty cell means "not given" (so a default applies on
insert and the stored value stays on update). Cells of fields that hold JSON
(`metadata`, `profile`, `labels`…) are parsed as JSON.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import orjson

from turnout.core.errors import FieldProblem, InvalidParameter

READ_CHUNK = 1 << 20
# A CSV cell may hold a long comment or a JSON document, but not a whole file
# swallowed by a quote that never closes.
MAX_CSV_CELL = 1 << 20
csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_CELL))


@dataclass(frozen=True, slots=True)
class BadRecord:
    """One record that could not be read; the rest of the file still can."""

    field: str
    rule: str
    message: str


# A record is a dict of field values, or (NDJSON) the JSON text of one object.
Record = tuple[int, "dict[str, Any] | str | BadRecord"]


class FileProblem(InvalidParameter):
    """The file cannot be read past `line`."""

    @classmethod
    def at(cls, line: int, field: str, rule: str, message: str) -> FileProblem:
        text = f"line {line}: {message}"
        return cls(text, [FieldProblem(f"line {line}: {field}", rule, text)])


@dataclass(frozen=True, slots=True)
class Columns:
    """What a CSV header must and may name, and which cells hold JSON."""

    required: frozenset[str]
    known: frozenset[str]
    json: frozenset[str]


class CountingReader:
    """A binary stream that counts the bytes read (for progress bars)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.position += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._raw.readline(size)
        self.position += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self._raw:
            self.position += len(line)
            yield line


# ---------------------------------------------------------------- NDJSON


def read_ndjson(stream: IO[bytes] | CountingReader, columns: Columns) -> Iterator[Record]:
    """Each non-blank line as its JSON text: the model parses it (one pass, in Rust)."""
    for number, raw in enumerate(stream, start=1):
        text = _decode(raw, number)
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        if text.strip():
            yield number, text


def _decode(raw: bytes, line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileProblem.at(
            line,
            "file",
            "encoding",
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
            f"{error.start + 1}); nothing past this line was read",
        ) from None


# ---------------------------------------------------------------- CSV


def read_csv(stream: IO[bytes] | CountingReader, columns: Columns) -> Iterator[Record]:
    lines = _text_lines(stream)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _csv_problem(1, error) from None
    if header is None:
        return
    header = [name.strip() for name in header]
    _check_header(header, columns)
    width = len(header)
    json_cells = [(i, name) for i, name in enumerate(header) if name in columns.json]
    last = reader.line_num
    while True:
        start = last + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise _csv_problem(start, error) from None
        if cells is None:
            return
        last = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            yield (
                start,
                BadRecord(
                    "line",
                    "columns",
                    f"expected {width} cells as in the header, found {len(cells)}",
                ),
            )
            continue
        bad = None
        for i, name in json_cells:
            cell = cells[i]
            if cell:
                try:
                    cells[i] = orjson.loads(cell)
                except orjson.JSONDecodeError:
                    bad = BadRecord(name, "json", f"{name}: not a JSON value: {cell[:80]!r}")
                    break
        if bad is not None:
            yield start, bad
            continue
        yield start, {name: cell for name, cell in zip(header, cells, strict=True) if cell != ""}


def _text_lines(stream: IO[bytes] | CountingReader) -> Iterator[str]:
    """Lines as text (newlines kept, as csv wants), refusing bytes that are not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for number, raw in enumerate(stream, start=1):
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError as error:
            raise FileProblem.at(
                number,
                "file",
                "encoding",
                f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at column "
                f"{error.start + 1}); nothing past this line was read",
            ) from None


def _check_header(header: list[str], columns: Columns) -> None:
    """Missing required columns first, then unknown, empty or repeated names: all at once."""
    problems: list[tuple[str, str, str]] = []
    missing = sorted(columns.required - set(header))
    if missing:
        text = f"the header lacks the required column(s) {', '.join(missing)}"
        problems.extend((name, "required", text) for name in missing)
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(("header", "column", "the header has an empty column name"))
        elif name in seen:
            problems.append((name, "duplicate", f"column {name!r} appears twice in the header"))
        elif name not in columns.known:
            known = ", ".join(sorted(columns.known))
            problems.append((name, "unknown_field", f"unknown column {name!r} (known: {known})"))
        seen.add(name)
    if problems:
        messages = list(dict.fromkeys(f"line 1: {text}" for _, _, text in problems))
        raise FileProblem(
            "; ".join(messages),
            [
                FieldProblem(f"line 1: {field}", rule, f"line 1: {text}")
                for field, rule, text in problems
            ],
        )


def _csv_problem(line: int, error: csv.Error) -> FileProblem:
    text = str(error)
    if "unexpected end of data" in text or "field larger than field limit" in text:
        message = (
            f"broken quote: the quoted field opened in the record starting on this line "
            f"never closes ({text})"
        )
        return FileProblem.at(line, "file", "quote", message)
    if "expected after" in text:
        return FileProblem.at(
            line, "file", "quote", f"broken quote: text after a closing quote ({text})"
        )
    return FileProblem.at(line, "file", "csv", f"not valid CSV: {text}")


# ---------------------------------------------------------------- JSON array


def read_json_array(stream: IO[bytes] | CountingReader, columns: Columns) -> Iterator[Record]:
    """The elements of one top-level JSON array, decoded one by one as the text arrives."""
    return _JsonArray(stream).records()


# One element may be this large; past it the file is taken to be broken JSON rather
# than read to its end in search of a closing brace.
MAX_JSON_ELEMENT = 16 << 20


class _JsonArray:
    def __init__(self, stream: IO[bytes] | CountingReader) -> None:
        self._stream = stream
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self._decoder = json.JSONDecoder()
        self._text = ""
        self._pos = 0
        self._line = 1  # the line self._pos is on
        self._done = False

    def records(self) -> Iterator[Record]:
        first = self._next_char()
        if first != "[":
            found = "an empty file" if not first else repr(first)
            raise self._problem(f"expected a JSON array ('['), found {found}")
        self._pos += 1
        if self._next_char() == "]":
            return
        while True:
            start = self._line
            value = self._value()
            if isinstance(value, dict):
                yield start, value
            else:
                yield start, BadRecord("line", "object", "each element must be a JSON object")
            char = self._next_char()
            if char == "]":
                return
            if char != ",":
                found = "the end of the file" if not char else repr(char)
                raise self._problem(f"expected ',' or ']' after an element, found {found}")
            self._pos += 1
            self._next_char()

    def _more(self) -> bool:
        if self._done:
            return False
        chunk = self._stream.read(READ_CHUNK)
        self._done = not chunk
        try:
            decoded = self._utf8.decode(chunk, final=self._done)
        except UnicodeDecodeError:
            raise FileProblem.at(
                self._line, "file", "encoding", "the file is not UTF-8 text"
            ) from None
        self._text = self._text[self._pos :] + decoded
        self._pos = 0
        return True

    def _next_char(self) -> str:
        """The next non-blank character (moving to it), or '' at the end of the file."""
        while True:
            text, pos, end = self._text, self._pos, len(self._text)
            while pos < end and text[pos] in " \t\r\n":
                if text[pos] == "\n":
                    self._line += 1
                pos += 1
            self._pos = pos
            if pos < end:
                return text[pos]
            if not self._more():
                return ""

    def _value(self) -> Any:
        while True:
            text, pos = self._text, self._pos
            try:
                value, end = self._decoder.raw_decode(text, pos)
            except json.JSONDecodeError as error:
                # The value may run on past what has been read so far.
                if len(text) - pos < MAX_JSON_ELEMENT and self._more():
                    continue
                self._line += text.count("\n", pos, error.pos)
                raise self._problem(f"not valid JSON: {error.msg}") from None
            if end == len(text) and self._more():
                continue  # a number may go on in the next chunk ("12" + "34")
            self._line += text.count("\n", pos, end)
            self._pos = end
            return value

    def _problem(self, message: str) -> FileProblem:
        return FileProblem.at(self._line, "file", "json", message)


READERS: dict[str, Callable[[Any, Columns], Iterator[Record]]] = {
    "ndjson": read_ndjson,
    "csv": read_csv,
    "json": read_json_array,
}

MEDIA_TYPES = {
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "text/csv": "csv",
    "application/json": "json",
}

EXTENSIONS = {".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv", ".json": "json"}
