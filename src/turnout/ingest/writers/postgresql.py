"""PostgreSQL: COPY FROM STDIN for new rows; COPY into a scratch table and one
UPDATE … FROM for changed rows.

One statement per chunk either way: the server parses no SQL per row, and the
client sends rows in COPY's text form, formatted by psycopg in C. Most of the time
is then the server's: a session row updates nine indexes and checks two foreign keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# ON COMMIT DROP: a batch that fails leaves nothing behind, and one that
# commits takes its scratch table along.
SCRATCH = "_turnout_import_update"


def _driver(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def _quoted(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _copy(
    conn: Connection, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    columns = ", ".join(_quoted(conn, n) for n in names)
    with (
        _driver(conn).cursor() as cursor,
        cursor.copy(f"COPY {_quoted(conn, table)} ({columns}) FROM STDIN") as copy,
    ):
        write_row = copy.write_row
        for row in rows:
            write_row(row)


def insert(
    conn: Connection, table: sa.Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """COPY rows whose values are in `names` order into `table`."""
    _copy(conn, table.name, names, rows)


def update(
    conn: Connection,
    table: sa.Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    workspace_id: int,
    stamp: Any,
) -> None:
    """UPDATE by id; each row is `(id, *values in names order)`.

    The scratch table's columns take the target's types, so COPY parses each value
    as the table would, and the UPDATE joins on the primary key.
    """
    scratch = sa.Table(
        SCRATCH,
        sa.MetaData(),
        sa.Column("_id", sa.BigInteger),
        *(sa.Column(n, table.c[n].type) for n in names),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SCRATCH}")
    scratch.create(conn)
    _copy(conn, SCRATCH, ["_id", *names], rows)
    # Without statistics the planner takes the fresh table for a big one and joins
    # it to every row of the workspace with a hash join: a sequential scan per chunk.
    conn.exec_driver_sql(f"ANALYZE {SCRATCH}")
    changes = {n: scratch.c[n] for n in names} | {"updated_at": stamp}
    conn.execute(
        table.update()
        .where(table.c.workspace_id == workspace_id, table.c.id == scratch.c._id)
        .values(changes)
    )
    scratch.drop(conn)
