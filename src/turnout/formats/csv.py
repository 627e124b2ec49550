"""RFC 4180 CSV (stdlib writer, `\\r\\n` line ends, UTF-8, optional BOM).

The stdlib writer already writes `None` as an empty field, numbers and Decimals
via `str()`/`repr()` and date objects in ISO form, so only booleans, datetime
objects, JSON values and formula-like text need a Python-level touch.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice
from operator import itemgetter
from typing import Any

import orjson

from turnout.formats.base import (
    BATCH_ROWS,
    CHUNK_SIZE,
    DEFAULT_OPTIONS,
    Column,
    FormatOptions,
    date_text,
    utc_text,
)
from turnout.formats.escaping import FORMULA_TRIGGERS, escape_formula

Converter = Callable[[Any], Any]


class _Booleans(dict[Any, str | None]):
    """0/1 (SQLite) and bool (PostgreSQL) alike; a lookup is cheaper than a call."""

    def __missing__(self, key: Any) -> str:
        return "true" if key else "false"


_BOOLEANS = _Booleans({None: None, 0: "false", 1: "true"})


def _string(value: Any) -> Any:
    return escape_formula(value) if value.__class__ is str else value


def _datetime(value: Any) -> Any:
    return utc_text(value) if isinstance(value, datetime) else value


def _date(value: Any) -> Any:
    return value if value is None or value.__class__ is str else date_text(value)


def _json(value: Any) -> Any:
    if value is None or value.__class__ is str:
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return orjson.dumps(value).decode()


_CONVERTERS: dict[str, Converter] = {"datetime": _datetime, "date": _date, "json": _json}
_OBJECTS = frozenset(_CONVERTERS)


class CsvFormat:
    name = "csv"
    media_type = "text/csv; charset=utf-8"
    extension = "csv"

    def stream(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        meta: Mapping[str, Any] | None = None,
        options: FormatOptions | None = None,
    ) -> Iterator[bytes]:
        options = options or DEFAULT_OPTIONS
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([escape_formula(column.name) for column in columns])
        prepare = _row_preparer(columns)
        source = iter(rows)
        first = True
        while batch := list(islice(source, BATCH_ROWS)):
            writer.writerows(prepare(batch) if prepare else batch)
            if buffer.tell() >= CHUNK_SIZE:
                yield _take(buffer, options.bom and first)
                first = False
        yield _take(buffer, options.bom and first)


def _take(buffer: io.StringIO, bom: bool) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return b"\xef\xbb\xbf" + data if bom else data


def _row_preparer(
    columns: Sequence[Column],
) -> Callable[[list[Sequence[Any]]], Iterable[Sequence[Any]]] | None:
    """A batch transform, or None when every row can go to the writer untouched.

    Work is column-wise per batch, with C-level scans (a join, a set test) to
    find the columns that need converting at all; only those get a converter
    call per value. Most batches pass through as they came.
    """
    booleans = [(i, _BOOLEANS.__getitem__) for i, c in enumerate(columns) if c.type == "boolean"]
    objects = [
        (i, itemgetter(i), _CONVERTERS[c.type]) for i, c in enumerate(columns) if c.type in _OBJECTS
    ]
    strings = [(i, itemgetter(i)) for i, c in enumerate(columns) if c.type == "string"]
    if not (booleans or objects or strings):
        return None
    triggers = FORMULA_TRIGGERS
    first = itemgetter(0)

    def prepare(batch: list[Sequence[Any]]) -> Iterable[Sequence[Any]]:
        todo = list(booleans)
        for index, get, convert in objects:
            try:
                "".join(filter(None, map(get, batch)))
            except TypeError:  # some value is an object, not text
                todo.append((index, convert))
        for index, get in strings:
            if not triggers.isdisjoint(map(first, map(str, filter(None, map(get, batch))))):
                todo.append((index, _string))
        if not todo:
            return batch
        values = list(zip(*batch, strict=True))
        for index, convert in todo:
            values[index] = tuple(map(convert, values[index]))
        return zip(*values, strict=True)

    return prepare
