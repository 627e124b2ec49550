"""SQLite's import writer (`ingest/writers/sqlite.py`): a chunk inserted from one JSON
array is stored exactly as `executemany` stores the same rows: values and types."""

from __future__ import annotations

import sqlite3

import orjson
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from turnout.ingest.writers import sqlite as writer

COLUMNS = ("a", "b", "c", "d")


class _Conn:
    """What the writer uses of a SQLAlchemy connection, over a plain sqlite3 one."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.connection = type("Pooled", (), {"driver_connection": raw})()
        self.dialect = sa.create_engine("sqlite://").dialect


def _table(metadata: sa.MetaData, name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.String),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Text),
        sa.Column("d", sa.BigInteger),
    )


def _stored(raw: sqlite3.Connection, name: str) -> list[tuple]:
    columns = ", ".join(f"{c}, typeof({c})" for c in COLUMNS)
    return raw.execute(f"SELECT id, {columns} FROM {name} ORDER BY id").fetchall()


values = (
    st.none()
    | st.text()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.sampled_from(["12", "0x1F", "1e3", " 7", "null", "[1]", '{"a": 1}', "true", "-0"])
)
row = st.tuples(values, values, values, values)


@settings(max_examples=200, deadline=None)
@given(st.lists(row, min_size=1, max_size=30))
def test_a_json_chunk_is_stored_as_executemany_stores_it(rows):
    try:
        orjson.dumps(rows)
    except TypeError:
        return  # lone surrogates: both paths refuse them (sqlite3 cannot encode them)
    raw = sqlite3.connect(":memory:")
    metadata = sa.MetaData()
    by_json = _table(metadata, "by_json")
    _table(metadata, "by_rows")
    metadata.create_all(sa.create_engine("sqlite://", creator=lambda: raw))
    conn = _Conn(raw)
    writer.insert(conn, by_json, COLUMNS, rows)
    raw.executemany("INSERT INTO by_rows (a, b, c, d) VALUES (?, ?, ?, ?)", rows)
    assert _stored(raw, "by_json") == _stored(raw, "by_rows")


def test_rows_keep_their_order_and_big_integers_take_executemany():
    raw = sqlite3.connect(":memory:")
    metadata = sa.MetaData()
    table = _table(metadata, "t")
    metadata.create_all(sa.create_engine("sqlite://", creator=lambda: raw))
    rows = [(f"r{i}", i, None, 2**62) for i in range(1000)]
    writer.insert(_Conn(raw), table, COLUMNS, rows)
    assert [r[1] for r in _stored(raw, "t")] == [f"r{i}" for i in range(1000)]
    with pytest.raises(OverflowError):
        writer.insert(_Conn(raw), table, COLUMNS, [("x", 2**64, None, None)])


def test_a_table_with_floats_takes_executemany(monkeypatch):
    metadata = sa.MetaData()
    floats = sa.Table("f", metadata, sa.Column("x", sa.Float))
    assert not writer._json_safe(floats)
    from turnout.db.schema import metadata as schema

    assert all(writer._json_safe(table) for table in schema.tables.values())
