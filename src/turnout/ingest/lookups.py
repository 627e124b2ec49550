"""The per-chunk queries of an import: which referenced ids exist, which natural keys
are stored already. One query per chunk, each with ONE bound parameter holding all
the values: on SQLite a JSON array read by `json_each` (thousands of `?` would each be
bound, and SQLite caps their number), on PostgreSQL an array compared with `= ANY`.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Collection
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from turnout.db.types import UTCDateTime
from turnout.ingest.importables import Importable


def one_of(column: sa.ColumnElement[Any], values: Collection[Any], dialect: str) -> Any:
    """`column IN values`, with the values in one parameter."""
    if dialect == "postgresql":
        element: sa.types.TypeEngine[Any] = (
            sa.BigInteger() if all(isinstance(v, int) for v in values) else sa.Text()
        )
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(element))
        return column == sa.any_(array)
    listed = sa.func.json_each(sa.bindparam(None, orjson.dumps(list(values)).decode()))
    return column.in_(sa.select(listed.table_valued("value").c.value))


def existing_ids(
    conn: Connection, table: sa.Table, workspace_id: int, ids: Collection[int]
) -> set[int]:
    """Those of `ids` that are rows of `table` in the workspace."""
    query = sa.select(table.c.id).where(
        table.c.workspace_id == workspace_id, one_of(table.c.id, ids, conn.dialect.name)
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
        table.c.workspace_id == workspace_id, one_of(key, keys, conn.dialect.name)
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
