"""Reading core queries into row mappings, and naming rows the way Virbela does.

Every read goes through the core's query engine (`fetch_page`, `count`); a query
without a limit reads up to `MAX_ROWS` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from turnout.core.execute import count, fetch_page
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.registry import Resource
from turnout.dialects.virbela.params import MAX_ROWS, UTC_ZONE

Row = dict[str, Any]


def read_rows(conn: Connection, query: Query) -> list[Row]:
    page = fetch_page(conn, query if query.limit is not None else replace(query, limit=MAX_ROWS))
    names = [column.name for column in page.columns]
    return [dict(zip(names, row, strict=True)) for row in page.rows]


def total(conn: Connection, query: Query) -> int:
    return count(conn, query)


def object_id(row: Row) -> str:
    """A record's Virbela id: its external id, else Turnout's own id as text."""
    external = row.get("external_id")
    return str(external) if external else str(row["id"])


def eq(resource: Resource, name: str, *values: Any) -> FieldFilter:
    return FieldFilter(resource.field(name), OPERATORS["eq"], values)


def find_by_object_id(conn: Connection, query: Query, text: str) -> Row | None:
    """The row of `query` that `text` names: by external id, else by Turnout's id."""
    resource = query.resource
    attempts = [eq(resource, "external_id", text)]
    number = _plain_id(text)
    if number is not None:
        attempts.append(eq(resource, "id", number))
    for wanted in attempts:
        rows = read_rows(conn, replace(query, filters=(*query.filters, wanted), limit=1))
        if rows:
            return rows[0]
    return None


def _plain_id(text: str) -> int | None:
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def object_ids(
    conn: Connection, resource: Resource, workspace_id: int, ids: Iterable[Any]
) -> dict[int, str]:
    """Turnout id -> Virbela id, for the rows of `resource` with these ids."""
    wanted = tuple(sorted({int(i) for i in ids if i is not None}))
    if not wanted:
        return {}
    query = Query(
        resource=resource,
        workspace_id=workspace_id,
        tz=UTC_ZONE,
        filters=(eq(resource, "id", *wanted),),
        fields=(resource.field("id"), resource.field("external_id")),
        limit=len(wanted),
    )
    return {int(row["id"]): object_id(row) for row in read_rows(conn, query)}
