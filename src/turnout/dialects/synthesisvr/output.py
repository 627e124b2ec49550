"""Responses in SynthesisVR's shapes: a bare JSON array, an XLSX or CSV download.

Rows stream from the core (`stream_rows`) through the layout's converters into a
writer; memory stays flat however many rows go out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.engine import Engine
from starlette.responses import StreamingResponse

from turnout.core.execute import stream_rows
from turnout.core.query import Query
from turnout.dialects.synthesisvr.columns import Layout
from turnout.formats import FORMATS, Column, FormatOptions
from turnout.formats.base import CHUNK_SIZE
from turnout.formats.json import DUMPS_OPTIONS, json_default, object_batches


def json_array(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """`[{...},{...}]`, written batch by batch."""
    # Values are JSON-ready already, so every column passes through as it is.
    columns = [Column(name) for name in names]
    parts: list[bytes] = [b"["]
    size = 0
    separator = b""
    for objects in object_batches(columns, rows):
        body = orjson.dumps(objects, default=json_default, option=DUMPS_OPTIONS)
        parts.append(separator)
        parts.append(body[1:-1])  # spliced into the one array
        separator = b","
        size += len(body)
        if size >= CHUNK_SIZE:
            yield b"".join(parts)
            parts.clear()
            size = 0
    parts.append(b"]")
    yield b"".join(parts)


def _query_rows(engine: Engine, query: Query, out: Layout) -> Iterator[Sequence[Any]]:
    # Compiled (and so checked) now; the connection opens with the first row.
    _, rows = stream_rows(engine, replace(query, fields=out.fields))
    return rows


def json_response(engine: Engine, query: Query, out: Layout) -> StreamingResponse:
    rows = out.rows(_query_rows(engine, query, out), xlsx=False)
    return StreamingResponse(json_array(out.names(), rows), media_type="application/json")


def file_response(
    engine: Engine, query: Query, out: Layout, *, kind: str, name: str, now: datetime
) -> StreamingResponse:
    """An XLSX or CSV download named `<name>-<local date>.<extension>`."""
    fmt = FORMATS[kind]
    rows = out.rows(_query_rows(engine, query, out), xlsx=kind == "xlsx")
    options = FormatOptions(tz=query.tz, sheet_name=name)
    filename = f"{name}-{now.astimezone(query.tz).date().isoformat()}.{fmt.extension}"
    return StreamingResponse(
        fmt.stream(out.writer_columns(), rows, options=options),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
