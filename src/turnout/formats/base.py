"""The interface every output writer implements, and the few helpers they share.

Rows are plain tuples straight from a database cursor; a writer turns
`(columns, rows)` into bytes in chunks of about `CHUNK_SIZE`, never holding more
than one chunk's worth of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

ColumnType = Literal["string", "integer", "decimal", "float", "boolean", "datetime", "date", "json"]

# One HTTP body chunk: big enough that per-chunk overhead vanishes, small enough
# to keep memory flat and bytes flowing early.
CHUNK_SIZE = 64 * 1024

# Rows pulled from the cursor per batch before checking whether a chunk is full.
BATCH_ROWS = 256


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType = "string"


@dataclass(frozen=True)
class FormatOptions:
    bom: bool = False
    """CSV: prepend a UTF-8 byte order mark so that Excel reads the file as UTF-8."""
    tz: ZoneInfo | None = None
    """XLSX: show datetimes as wall time in this zone (Excel has no zones); default UTC."""
    sheet_name: str = "data"
    """XLSX: name of the first sheet; later sheets get " 2", " 3", ..."""


DEFAULT_OPTIONS = FormatOptions()


class Format(Protocol):
    name: str
    media_type: str
    extension: str

    def stream(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        meta: Mapping[str, Any] | None = None,
        options: FormatOptions | None = None,
    ) -> Iterator[bytes]: ...


def utc_text(value: datetime) -> str:
    """The canonical form SQLite stores, so both backends export identical text.

    A naive datetime is taken as UTC: the database layer only hands out UTC.
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def date_text(value: date) -> str:
    # A datetime in a date column keeps only its (UTC) calendar day.
    if isinstance(value, datetime):
        return utc_text(value)[:10]
    return value.isoformat()
