"""The per-chunk queries of an import: which referenced ids exist, which natural keys
are stored already. One query per chunk, each with ONE bound parameter holding all
the values: on SQLite a JSON array read by `json_each` (thousands of `?` would each be
bound, and SQLite caps their number), on PostgreSQL an array compared with `= ANY`.
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Collection
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from psycopg.adapt import Dumper
from psycopg.postgres import types as postgres_types
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from turnout.db.types import UTCDateTime
from turnout.ingest.importables import Importable


def one_of(column: sa.ColumnElement[Any], values: Collection[Any], conn: Connection) -> Any:
    """`column IN values`, with the values in one parameter."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(_array(list(values), conn))
    listed = sa.func.json_each(sa.bindparam(None, orjson.dumps(list(values)).decode()))
    return column.in_(sa.select(listed.table_valued("value").c.value))


class _TextArray(str):
    """The text of a PostgreSQL text[] literal, `{"a","b"}`."""


class _BigintArray(str):
    """The text of a PostgreSQL bigint[] literal, `{1,2}`."""


class _TextArrayDumper(Dumper):
    oid = postgres_types["text"].array_oid

    def dump(self, obj: Any) -> bytes:
        return str(obj).encode()


class _BigintArrayDumper(_TextArrayDumper):
    oid = postgres_types["int8"].array_oid


def _array(values: list[Any], conn: Connection) -> Any:
    """An array parameter whose text orjson writes.

    psycopg writes a list as an array in Python: 12 ms for the 5,000 keys of a chunk
    (7 ms for 5,000 ids), where this takes under 1; the server reads either in 3. A
    JSON list of strings or integers is an array literal once its brackets are
    braces: both quote with `"` and escape `"` and `\\` with a backslash. Not so
    control characters (JSON writes `\\n`, `\\u0001`): such values go as a list.
    The value is sent typed, so the planner sees a constant array as with the list
    (`CAST(:text AS text[])` would be parsed again for every row compared with it).
    """
    kind: type[str] | None = None
    if all(v.__class__ is int for v in values):
        kind = _BigintArray
    elif all(v.__class__ is str for v in values) and not _CONTROL.search("".join(values)):
        kind = _TextArray
    try:
        text = "{" + orjson.dumps(values)[1:-1].decode() + "}" if kind else None
    except TypeError:  # an integer past 64 bits: let the server say it is out of range
        text = None
    if kind is None or text is None:
        element = sa.BigInteger() if kind is _BigintArray else sa.Text()
        return sa.bindparam(None, values, type_=postgresql.ARRAY(element))
    # Registered on the connection in use: a connection copies psycopg's global
    # adapters when it opens, so one opened before this module loaded would not see them.
    adapters = conn.connection.driver_connection.adapters  # type: ignore[union-attr]
    adapters.register_dumper(_TextArray, _TextArrayDumper)
    adapters.register_dumper(_BigintArray, _BigintArrayDumper)
    return sa.bindparam(None, kind(text), sa.types.NullType())


_CONTROL = re.compile("[\x00-\x1f]")


def existing_ids(
    conn: Connection, table: sa.Table, workspace_id: int, ids: Collection[int]
) -> set[int]:
    """Those of `ids` that are rows of `table` in the workspace."""
    query = sa.select(table.c.id).where(
        table.c.workspace_id == workspace_id, one_of(table.c.id, ids, conn)
    )
    return set(conn.execute(query).scalars())


def stored_by_key(
    conn: Connection, spec: Importable, workspace_id: int, keys: Collection[Any]
) -> dict[Any, Any]:
    """The stored rows with these natural keys, by key: each with `id` and the
    `current` columns as attributes."""
    table = spec.table
    key = spec.key_column()
    current = [table.c[n] for n in spec.current]
    # SQLite keeps timestamps as fixed-form UTC text, which `fromisoformat` reads in
    # C; SQLAlchemy's own result processing costs ~1.5 µs a value (replace, parse,
    # astimezone), several µs a row on an update pass.
    text = [
        i
        for i, column in enumerate(current, start=1)
        if conn.dialect.name == "sqlite" and isinstance(column.type, UTCDateTime)
    ]
    selected = [sa.type_coerce(c, sa.String) if i in text else c for i, c in enumerate(current, 1)]
    query = sa.select(key.label("_key"), table.c.id, *selected).where(
        table.c.workspace_id == workspace_id, one_of(key, keys, conn)
    )
    if spec.key_where is not None:
        query = query.where(spec.key_where)
    stored = _stored_type(spec.current)
    out = {}
    # fetchall: one driver call, not one per row
    for found in conn.execute(query).all():
        values = list(found[1:])
        for i in text:
            if values[i] is not None:
                values[i] = datetime.fromisoformat(values[i])
        out[found[0]] = stored._make(values)
    return out


@functools.cache
def _stored_type(current: tuple[str, ...]) -> Any:
    return collections.namedtuple("Stored", ["id", *current])
