"""Two time expressions the report SQL needs, written once per backend.

SQLite keeps timestamps as fixed-width UTC text (`turnout.db.types`), PostgreSQL as
`timestamptz`; both expressions are exact (no floating point, no session zone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from turnout.db.types import UTCDateTime


def hour_start(column: ColumnElement[Any], dialect: str) -> ColumnElement[datetime]:
    """The UTC hour a timestamp falls in, as a timestamp of the same storage type."""
    if dialect == "postgresql":
        expr: ColumnElement[Any] = sa.literal_column(
            f"date_trunc('hour', ({_sql(column)}) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        )
    else:
        expr = sa.func.substr(column, 1, 13).op("||")(sa.literal_column("':00:00.000000Z'"))
    return sa.type_coerce(expr, UTCDateTime)


def epoch_slot(column: ColumnElement[Any], dialect: str, seconds: int) -> ColumnElement[int]:
    """floor(epoch seconds / ``seconds``): the slot of that many seconds a timestamp is in."""
    size = int(seconds)
    if dialect == "postgresql":
        text = f"floor(extract(epoch from ({_sql(column)})) / {size})::bigint"
        return sa.type_coerce(sa.literal_column(text), sa.BigInteger)
    # whole seconds only (SQLite's strftime would round the fraction), then floor
    # division that also holds before 1970
    epoch = f"CAST(strftime('%s', substr({_sql(column)}, 1, 19)) AS INTEGER)"
    text = f"(({epoch}) - ((({epoch}) % {size}) + {size}) % {size}) / {size}"
    return sa.type_coerce(sa.literal_column(text), sa.BigInteger)


def _sql(column: ColumnElement[Any]) -> str:
    # Only ever called with plain table columns, whose names we control.
    table = getattr(column, "table", None)
    name = getattr(column, "name", None)
    if table is None or name is None:
        raise TypeError("time expressions take a table column")
    return f'"{table.name}"."{name}"'
