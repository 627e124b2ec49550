"""SQLite: prepared statements run with the driver's `executemany`.

Through SQLAlchemy, every row of an `executemany` is processed in Python (bind
processors, parameter dicts); on the driver connection the rows go to `sqlite3`
as the tuples they are, and `sqlite3` keeps the prepared statement in its cache.
Most of the remaining time is SQLite's own: a session row updates eight indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    """INSERT rows whose values are in `names` order."""
    columns = ", ".join(_quoted(conn, n) for n in names)
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {_quoted(conn, table.name)} ({columns}) VALUES ({marks})"  # noqa: S608
    _driver(conn).executemany(sql, rows)


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
