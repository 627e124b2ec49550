"""OASIS pages on the core's keyset paging: `after` walks forward, `before` back.

`after` is the core's own cursor in the requested order. `before` runs the
same query in the exact reverse order (every key flipped, id included) from the
same row, then turns the rows round, so a page before a row is as exact and as
index-friendly as a page after it. Whether a previous/next page exists is asked
of the core too (one row past the page's edge), never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.engine import Connection

from turnout.core.errors import NotFound
from turnout.core.execute import fetch_one, fetch_page
from turnout.core.fields import Field
from turnout.core.paging import encode_cursor
from turnout.core.params import integer_bits
from turnout.core.query import Query, compile_query, sort_spec
from turnout.core.values import cursor_value
from turnout.dialects.oasis.cursors import Position, checked_value, encode_position
from turnout.dialects.oasis.errors import problem

Row = dict[str, Any]


@dataclass(frozen=True)
class Window:
    """One page of rows in the requested order, and whether pages exist around it."""

    rows: list[Row]
    has_previous: bool
    has_next: bool


def ordered(query: Query, field: Field, *, descending: bool) -> Query:
    """The query sorted by `field`, then id, both in one direction (a total order)."""
    keys = [(field.name, descending)]
    if field.name != "id":
        keys.append(("id", descending))
    return replace(query, sort=tuple(keys))


def reverse(query: Query) -> Query:
    return replace(query, sort=tuple((name, not desc) for name, desc in query.sort))


def _rows(conn: Connection, query: Query) -> tuple[list[Row], bool]:
    page = fetch_page(conn, query)
    names = [column.name for column in page.columns]
    return [dict(zip(names, row, strict=True)) for row in page.rows], page.has_more


def _values(query: Query, row: Row) -> list[Any]:
    return [cursor_value(f, row[f.name]) for f, _ in sort_spec(query)]


def _from(conn: Connection, query: Query, values: Sequence[Any]) -> Query:
    """`query` continuing strictly after the row whose sort values are `values`."""
    plain = replace(query, cursor=None, limit=None, offset=None)
    signature = compile_query(plain, conn.dialect.name).signature
    return replace(query, cursor=encode_cursor(signature, list(values)))


def _beyond(conn: Connection, query: Query, row: Row) -> bool:
    rows, _ = _rows(conn, _from(conn, replace(query, limit=1), _values(query, row)))
    return bool(rows)


def _position_values(
    conn: Connection, query: Query, field: Field, order_by: str, param: str, at: Position
) -> list[Any]:
    if field.name == "id":
        return [at.id]
    if at.sort_key == order_by:
        value = checked_value(param, field, at.value, bits=integer_bits(query.resource, field))
        return [value, at.id]
    # A bare id (or a cursor from another orderBy): read that session's sort value.
    lookup = replace(query, filters=(), fields=(field,), sort=(), cursor=None)
    try:
        _, row = fetch_one(conn, lookup, at.id)
    except NotFound:
        raise problem(param, "any.invalid", "must be the id of a session in this account") from None
    return [cursor_value(field, row[0]), at.id]


def fetch_window(
    conn: Connection,
    query: Query,
    *,
    field: Field,
    order_by: str,
    after: Position | None,
    before: Position | None,
) -> Window:
    """`query` (already ordered and limited) from `after` or up to `before`."""
    if before is not None:
        backward = reverse(query)
        values = _position_values(conn, backward, field, order_by, "before", before)
        rows, more = _rows(conn, _from(conn, backward, values))
        rows.reverse()
        has_next = bool(rows) and _beyond(conn, query, rows[-1])
        return Window(rows, has_previous=more, has_next=has_next)
    start = query
    if after is not None:
        values = _position_values(conn, query, field, order_by, "after", after)
        start = _from(conn, query, values)
    rows, more = _rows(conn, start)
    has_previous = after is not None and bool(rows) and _beyond(conn, reverse(query), rows[0])
    return Window(rows, has_previous=has_previous, has_next=more)


def position_of(row: Row, field: Field, order_by: str) -> str:
    """The cursor that points at `row` under `orderBy`."""
    return encode_position(order_by, int(row["id"]), cursor_value(field, row[field.name]))
