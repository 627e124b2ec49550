"""The per-chunk queries of an import: which referenced ids exist, which natural keys
are stored already. One query per chunk, each with ONE bound parameter holding all
the values: on SQLite a JSON array read by `json_each` (thousands of `?` would each be
bound, and SQLite caps their number), on PostgreSQL an array compared with `= ANY`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Row

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
) -> Iterable[Row[Any]]:
    """The stored rows with these natural keys: `_key`, `id` and the `current` columns."""
    table = spec.table
    key = spec.key_column()
    query = sa.select(key.label("_key"), table.c.id, *(table.c[n] for n in spec.current)).where(
        table.c.workspace_id == workspace_id, one_of(key, keys, conn.dialect.name)
    )
    if spec.key_where is not None:
        query = query.where(spec.key_where)
    return conn.execute(query)
