"""SQLite's import writer: many rows a statement, the remainder with executemany."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from turnout.ingest.writers import sqlite as writer


@pytest.mark.parametrize("n", [0, 1, 499, 500, 501, 1000, 1507])
@pytest.mark.parametrize("width", [1, 3, 70])
@pytest.mark.parametrize("limit", [None, 999])
def test_every_row_is_inserted_once_with_its_values(n, width, limit):
    # 70 columns: a statement takes 468 rows (32,766 parameters), not 500; with the
    # limit of SQLite before 3.32, 14.
    metadata = sa.MetaData()
    names = [f"c{i}" for i in range(width)]
    table = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
    for name in names:
        table.append_column(sa.Column(name, sa.Text))
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    rows = [tuple(f"{r}:{c}" if (r + c) % 5 else None for c in range(width)) for r in range(n)]
    statements: list[str] = []
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        if limit is not None:
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        raw.set_trace_callback(statements.append)
        writer.insert(conn, table, names, rows)
        stored = conn.execute(sa.select(*table.c[1:]).order_by(table.c.id)).all()
        per = writer.rows_per_statement(raw, width)
    assert [tuple(row) for row in stored] == rows
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len([s for s in inserts if "), (" in s]) == n // per
    assert len(inserts) == n // per + n % per  # the rest: one statement a row
