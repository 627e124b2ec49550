"""SQLite: prepared statements run with the driver's `executemany`.

Through SQLAlchemy, every row of an `executemany` is processed in Python (bind
processors, parameter dicts); on the driver connection the rows go to `sqlite3`
as the tuples they are, and `sqlite3` keeps the prepared statement in its cache.
Most of the remaining time is SQLite's own: a session row updates eight indexes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _driver(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def insert(
    conn: Connection, table: sa.Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT rows whose values are in `names` order.

    One statement reads the whole chunk from a JSON array of rows: `sqlite3` runs
    it in one step without the GIL, so another thread can go on validating while
    SQLite stores the rows (`executemany` takes the GIL back after every row). JSON
    holds what a stored value can be here (text, integers, NULL; no floats in these
    tables); anything orjson cannot write (an integer past 64 bits), or text with
    a NUL, takes executemany, which stores it or gives the database's own error."""
    columns = ", ".join(_quoted(conn, n) for n in names)
    target = f"INSERT INTO {_quoted(conn, table.name)} ({columns})"
    try:
        data = orjson.dumps(rows).decode() if _json_safe(table) else None
    except TypeError:
        data = None
    # SQLite's JSON functions end text at a NUL (the importer refuses them anyway).
    if data is None or "\\u0000" in data:
        marks = ", ".join("?" * len(names))
        _driver(conn).executemany(f"{target} VALUES ({marks})", rows)
        return
    picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(names)))
    _driver(conn).execute(f"{target} SELECT {picks} FROM json_each(?)", (data,))  # noqa: S608


def _json_safe(table: sa.Table) -> bool:
    """Whether every column's stored values survive JSON exactly: a float would be
    read back by SQLite's own number parser, which may round differently."""
    return not any(isinstance(c.type, sa.Float) for c in table.c)


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
