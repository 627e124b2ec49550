"""`{"data":[{...},...], <meta>}` written with orjson, batch by batch.

Also holds the row-to-object machinery that the NDJSON writer shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any

import orjson

from turnout.formats.base import BATCH_ROWS, CHUNK_SIZE, Column, FormatOptions, utc_text

# Datetime objects go through `json_default` so they come out in the canonical
# `...ffffffZ` form that SQLite rows already carry as text; strings pass untouched.
DUMPS_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


def json_default(value: Any) -> Any:
    """orjson's hook for what it cannot write itself; runs only for such values."""
    if isinstance(value, Decimal):
        # A JSON number spelled exactly as the Decimal, never a float round trip.
        return orjson.Fragment(str(value)) if value.is_finite() else None
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    # Lenient on purpose: failing here would cut a streamed response in half.
    return str(value)


class _Booleans(dict[Any, Any]):
    """SQLite hands out 0/1; a dict lookup (True == 1) is cheaper than a call."""

    def __missing__(self, key: Any) -> bool:
        return bool(key)


_BOOLEANS = _Booleans({None: None, 0: False, 1: True})


def _json_value(value: Any) -> Any:
    # JSON text is embedded as-is, not re-escaped as a string.
    if value.__class__ is str or value.__class__ is bytes:
        return orjson.Fragment(value)
    return value


Converter = Callable[[Any], Any]


def json_converters(columns: Sequence[Column]) -> list[tuple[int, Converter]]:
    """Per-column fix-ups, only for the columns orjson cannot write as they come."""
    converters: list[tuple[int, Converter]] = []
    for index, column in enumerate(columns):
        if column.type == "boolean":
            converters.append((index, _BOOLEANS.__getitem__))
        elif column.type == "json":
            converters.append((index, _json_value))
    return converters


def object_batches(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> Iterator[list[dict[str, Any]]]:
    """Rows as dicts keyed by column name, `BATCH_ROWS` at a time."""
    names = [column.name for column in columns]
    converters = json_converters(columns)
    source = iter(rows)
    while batch := list(islice(source, BATCH_ROWS)):
        if not converters:
            yield [dict(zip(names, row, strict=False)) for row in batch]
            continue
        # Column-wise: transpose, convert whole columns with map(), transpose back.
        # Every step runs in C; a per-row Python loop cost twice as much.
        by_column: list[Iterable[Any]] = list(zip(*batch, strict=False))
        for index, convert in converters:
            by_column[index] = map(convert, by_column[index])
        yield [dict(zip(names, row, strict=False)) for row in zip(*by_column, strict=False)]


class JsonFormat:
    name = "json"
    media_type = "application/json"
    extension = "json"

    def stream(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        meta: Mapping[str, Any] | None = None,
        options: FormatOptions | None = None,
    ) -> Iterator[bytes]:
        dumps = orjson.dumps
        parts: list[bytes] = [b'{"data":[']
        size = 0
        separator = b""
        for objects in object_batches(columns, rows):
            body = dumps(objects, default=json_default, option=DUMPS_OPTIONS)
            parts.append(separator)
            # Strip the batch's own brackets: it is spliced into the one array.
            parts.append(body[1:-1])
            separator = b","
            size += len(body)
            if size >= CHUNK_SIZE:
                yield b"".join(parts)
                parts.clear()
                size = 0
        parts.append(_tail(meta))
        yield b"".join(parts)


def _tail(meta: Mapping[str, Any] | None) -> bytes:
    if not meta:
        return b"]}"
    encoded = orjson.dumps(dict(meta), default=json_default, option=DUMPS_OPTIONS)
    return b"]," + encoded[1:]
