"""Where an import's records come from, and how many are still to come.

The bulk-load move (`indexes.py`) is decided by the size of a batch, but a batch
is read as a stream and never held whole. The file's size is known, though (a
file on disk, or the API's spooled body), so the records still to come are
estimated from the bytes left at the bytes-per-record read so far. That estimate
only chooses between two ways of writing the same rows; it never changes what is
written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from turnout.core.errors import InvalidParameter
from turnout.ingest.readers import READERS, Record

if TYPE_CHECKING:
    from turnout.ingest.importables import Importable


def read_records(spec: Importable, stream: Any, fmt: str) -> Records:
    reader = READERS.get(fmt)
    if reader is None:
        raise InvalidParameter.for_field(
            "format", "one_of", f"unknown import format {fmt!r}: use ndjson, csv or json"
        )
    return Records(reader(stream, spec.columns), stream)


def batches(records: Iterator[Record], size: int | None) -> Iterator[Iterator[Record]]:
    """The records in batches of `size` (None: one batch), each read lazily."""
    while True:
        first = next(records, None)
        if first is None:
            return
        rest = records if size is None else islice(records, size - 1)
        yield chain((first,), rest)


class Records:
    """A reader's records (iterate them) and the stream they are read from."""

    def __init__(self, records: Iterator[Record], stream: Any) -> None:
        self._records = records
        self._stream = stream
        self._start, self._size = _extent(stream)

    def __iter__(self) -> Iterator[Record]:
        # The reader's own generator: no wrapper call per record.
        return self._records

    def still_to_come(self, read: int) -> int | None:
        """About how many records follow the `read` read so far (None: unknown)."""
        if self._size is None or read <= 0:
            return None
        consumed = _consumed(self._stream, self._start)
        if not consumed:
            return None
        return max(self._size - consumed, 0) * read // consumed


def _raw(stream: Any) -> Any:
    # CountingReader (the CLI's progress bar) wraps the file itself.
    return getattr(stream, "_raw", stream)


def _extent(stream: Any) -> tuple[int, int | None]:
    """Where reading starts, and how many bytes follow (None: unknown, a pipe)."""
    raw = _raw(stream)
    try:
        if not raw.seekable():
            return 0, None
        start = raw.tell()
        end = raw.seek(0, os.SEEK_END)
        raw.seek(start)
    except (AttributeError, OSError, ValueError):
        return 0, None
    return int(start), int(end - start)


def _consumed(stream: Any, start: int) -> int | None:
    position = getattr(stream, "position", None)  # CountingReader counts from 0
    if position is not None:
        return int(position)
    try:
        return int(stream.tell()) - start
    except (AttributeError, OSError, ValueError):
        return None
