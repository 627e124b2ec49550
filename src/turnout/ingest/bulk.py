"""Fast batched inserts that skip SQLAlchemy's per-row machinery.

Rows arrive already in *storage form*: the plain values each backend keeps on disk,
so a loader can build millions of tuples without creating an object per field.

| column type | storage form (both backends) |
|---|---|
| `UTCDateTime` | text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (PostgreSQL parses it) |
| `Money` | integer count of 1/10000 units |
| `Boolean` | `bool` (SQLite binds it as 0/1) |
| JSON | JSON text, or `None` for SQL NULL |

`to_storage` / `storage_converters` turn ordinary Python values (aware datetimes,
`Decimal`, dicts) into that form for callers that are not in a hot loop.

SQLite goes through the driver's `executemany`; PostgreSQL through `COPY ... FROM
STDIN`. Everything runs inside the caller's transaction: nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from turnout.db.types import MONEY_SCALE, Money, UTCDateTime, format_utc, parse_utc

Converter = Callable[[Any], Any]
Progress = Callable[[int], None]
StorageRow = Sequence[Any]

DEFAULT_BATCH_SIZE = 10_000


# -- converters --------------------------------------------------------------------


def _timestamp(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_utc(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
    return format_utc(value)


def _money(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"expected a money amount, got {value!r}")
    # via str so that 0.1 means one tenth, not the binary float nearest to it
    scaled = Decimal(str(value) if isinstance(value, float) else value) * MONEY_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"money has more than 4 decimal places: {value}")
    return int(scaled)


def _json(value: Any) -> Any:
    # None means SQL NULL here, not the JSON literal null: "no attributes" should
    # read as IS NULL in filters.
    if value is None:
        return None
    return orjson.dumps(value).decode()


def _sqlite_bool(value: Any) -> Any:
    return None if value is None else int(bool(value))


def _pg_bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _converter_for(column: sa.Column[Any], dialect_name: str) -> Converter | None:
    col_type = column.type
    if isinstance(col_type, UTCDateTime):
        return _timestamp
    if isinstance(col_type, Money):
        return _money
    if isinstance(col_type, sa.JSON):
        return _json
    if isinstance(col_type, sa.Boolean):
        return _sqlite_bool if dialect_name == "sqlite" else _pg_bool
    return None


def storage_converters(
    table: sa.Table, columns: Sequence[str], dialect_name: str
) -> list[Converter | None]:
    """One converter per column (None where the Python value is already stored as is)."""
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column(s) {', '.join(unknown)}")
    return [_converter_for(table.c[name], dialect_name) for name in columns]


def to_storage(
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    dialect_name: str,
) -> Iterable[tuple[Any, ...]]:
    """Convert rows of Python values to storage form, lazily."""
    converters = storage_converters(table, columns, dialect_name)
    pairs = [(i, fn) for i, fn in enumerate(converters) if fn is not None]
    for row in rows:
        if not pairs:
            yield tuple(row)
            continue
        out = list(row)
        for i, fn in pairs:
            out[i] = fn(out[i])
        yield tuple(out)


# -- ids -------------------------------------------------------------------------


def _ensure_transaction(conn: Connection) -> None:
    # Do what SQLAlchemy's autobegin would, so the caller's commit covers our writes
    # even when nothing has been executed through SQLAlchemy yet.
    if not conn.in_transaction():
        conn.begin()


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def reserve_ids(conn: Connection, table: sa.Table, n: int) -> Sequence[int]:
    """Ids for `n` new rows of `table` that no other writer will use.

    SQLite: takes the write lock (a no-op UPDATE), then counts up from max(id); the
    lock is held until the caller's transaction ends, so nobody else can insert in
    between. PostgreSQL: draws `n` values from the id sequence, which is safe under
    concurrency; the block is a `range` unless other writers interleaved, in which
    case it is the exact list drawn.
    """
    _ensure_transaction(conn)
    if n <= 0:
        return range(0)
    name = _quoted(conn, table.name)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"UPDATE {name} SET id = id WHERE 0")  # noqa: S608
        top = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {name}").scalar_one()  # noqa: S608
        return range(top + 1, top + 1 + n)
    seq = _sequence_name(conn, table)
    drawn = conn.execute(
        sa.text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)"),
        {"seq": seq, "n": n},
    ).scalars()
    ids = sorted(drawn)
    if ids[-1] - ids[0] + 1 == n:
        return range(ids[0], ids[-1] + 1)
    return ids


def _sequence_name(conn: Connection, table: sa.Table) -> str:
    seq = conn.execute(
        sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    ).scalar_one()
    if seq is None:
        raise LookupError(f"{table.name}.id has no sequence")
    return str(seq)


def sync_id_sequence(conn: Connection, table: sa.Table) -> None:
    """Move PostgreSQL's id sequence past ids that were inserted explicitly.

    Only ever moves forward. SQLite needs nothing: its next rowid is max(id) + 1.
    """
    if conn.dialect.name != "postgresql" or "id" not in table.c:
        return
    seq = _sequence_name(conn, table)
    name = _quoted(conn, table.name)
    top = conn.exec_driver_sql(f"SELECT max(id) FROM {name}").scalar_one()  # noqa: S608
    if top is None:
        return
    # `seq` comes from the catalogue already quoted, so it can stand as a name.
    last, called = conn.exec_driver_sql(
        f"SELECT last_value, is_called FROM {seq}"  # noqa: S608
    ).one()
    # A sequence nobody has drawn from yet hands out last_value itself next.
    upcoming = last + 1 if called else last
    if top >= upcoming:
        conn.execute(
            sa.text("SELECT setval(CAST(:seq AS regclass), :top)"), {"seq": seq, "top": top}
        )


# -- inserting -------------------------------------------------------------------


def insert_rows(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[StorageRow],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Insert storage-form rows into `table`; return how many went in.

    `rows` may be a generator: it is consumed lazily, `batch_size` rows at a time on
    SQLite and as one streamed COPY on PostgreSQL (so the server works while Python
    builds the next rows). `progress(n)` is called after every `batch_size` rows and
    once for the remainder. When `columns` includes `id` on PostgreSQL, the id
    sequence is moved past the largest id afterwards.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    storage_converters(table, columns, conn.dialect.name)  # validates column names
    _ensure_transaction(conn)
    if conn.dialect.name == "sqlite":
        count = _insert_sqlite(conn, table, columns, rows, batch_size, progress)
    elif conn.dialect.name == "postgresql":
        count = _copy_postgresql(conn, table, columns, rows, batch_size, progress)
        if count and "id" in columns:
            sync_id_sequence(conn, table)
    else:  # pragma: no cover - make_engine refuses other backends
        raise NotImplementedError(conn.dialect.name)
    return count


def _insert_sqlite(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[StorageRow],
    batch_size: int,
    progress: Progress | None,
) -> int:
    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(_quoted(conn, c) for c in columns)
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {_quoted(conn, table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    iterator = iter(rows)
    total = 0
    while True:
        chunk = list(islice(iterator, batch_size))
        if not chunk:
            return total
        raw.executemany(sql, chunk)
        total += len(chunk)
        if progress is not None:
            progress(len(chunk))


def _copy_postgresql(
    conn: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Iterable[StorageRow],
    batch_size: int,
    progress: Progress | None,
) -> int:
    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(_quoted(conn, c) for c in columns)
    sql = f"COPY {_quoted(conn, table.name)} ({names}) FROM STDIN"
    total = 0
    pending = 0
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(row)
            pending += 1
            if pending == batch_size:
                total += pending
                if progress is not None:
                    progress(pending)
                pending = 0
    total += pending
    if pending and progress is not None:
        progress(pending)
    return total
