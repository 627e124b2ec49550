"""One JSON object per line, each `\\n`-terminated; `meta` has no place here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

from turnout.formats.base import CHUNK_SIZE, Column, FormatOptions
from turnout.formats.json import DUMPS_OPTIONS, json_default, object_batches

_LINE_OPTIONS = DUMPS_OPTIONS | orjson.OPT_APPEND_NEWLINE


class NdjsonFormat:
    name = "ndjson"
    media_type = "application/x-ndjson"
    extension = "ndjson"

    def stream(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        meta: Mapping[str, Any] | None = None,
        options: FormatOptions | None = None,
    ) -> Iterator[bytes]:
        dumps = orjson.dumps
        parts: list[bytes] = []
        size = 0
        for objects in object_batches(columns, rows):
            lines = b"".join(
                [dumps(obj, default=json_default, option=_LINE_OPTIONS) for obj in objects]
            )
            parts.append(lines)
            size += len(lines)
            if size >= CHUNK_SIZE:
                yield b"".join(parts)
                parts.clear()
                size = 0
        if parts:
            yield b"".join(parts)
