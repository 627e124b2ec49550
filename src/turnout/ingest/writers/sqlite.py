"""SQLite: prepared statements run on the driver connection.

Through SQLAlchemy, every row of an `executemany` is processed in Python (bind
processors, parameter dicts); on the driver connection the rows go to `sqlite3`
as the tuples they are, and `sqlite3` keeps the prepared statement in its cache.
Inserts put 500 rows in a statement: 7.8 µs a bench session against 9.2 with
executemany, and the statement's one step runs without the GIL. Most of the
remaining time is SQLite's own: a session row goes into three unique indexes (the
others are rebuilt after a big batch, `ingest/indexes.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _driver(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


# Rows per INSERT … VALUES (…), (…), …: each statement runs its rows in one
# `sqlite3_step`, without the GIL. Fewer when the rows have more parameters than the
# library takes (32,766 since SQLite 3.32; 999 before).
ROWS_PER_STATEMENT = 500


def insert(
    conn: Connection, table: sa.Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT rows whose values are in `names` order: many rows a statement, the
    last few with executemany."""
    columns = ", ".join(_quoted(conn, n) for n in names)
    one = "(" + ", ".join("?" * len(names)) + ")"
    head = f"INSERT INTO {_quoted(conn, table.name)} ({columns}) VALUES "  # noqa: S608
    raw = _driver(conn)
    per = rows_per_statement(raw, len(names))
    whole = len(rows) - len(rows) % per
    if whole:
        sql = head + ", ".join([one] * per)
        for start in range(0, whole, per):
            raw.execute(sql, list(chain.from_iterable(rows[start : start + per])))
    if whole < len(rows):
        raw.executemany(head + one, rows[whole:])


def rows_per_statement(raw: Any, width: int) -> int:
    most = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(ROWS_PER_STATEMENT, most // max(width, 1)))


def update(
    conn: Connection,
    table: sa.Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    workspace_id: int,
    stamp: Any,
) -> None:
    """UPDATE by id; each row is `(id, *values in names order)`."""
    changes = ", ".join(f"{_quoted(conn, n)} = ?" for n in [*names, "updated_at"])
    sql = (
        f"UPDATE {_quoted(conn, table.name)} SET {changes} "  # noqa: S608
        "WHERE workspace_id = ? AND id = ?"
    )
    tail = (stamp, workspace_id)
    _driver(conn).executemany(sql, [(*row[1:], *tail, row[0]) for row in rows])


# An import's page cache: inserting keys at random places in eight B-trees touches
# far more pages than the connection's everyday cache (`db.engine.CACHE_SIZE_KIB`)
# holds. The cache grows only as pages are used, and shrinks back afterwards.
IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def bigger_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache on `conn` while the block runs (SQLite only)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = _driver(conn)
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(before)}")
