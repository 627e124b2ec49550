"""Running core queries: one page with a cursor, or every row as a stream."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.engine import Connection, Engine

from turnout.core.errors import NotFound
from turnout.core.operators import OPERATORS
from turnout.core.paging import encode_cursor
from turnout.core.query import FieldFilter, Query, compile_query, count_select
from turnout.core.values import cursor_value
from turnout.formats.base import Column

STREAM_BATCH = 2000


@dataclass(frozen=True)
class Page:
    columns: tuple[Column, ...]
    rows: list[Sequence[Any]]
    next_cursor: str | None
    has_more: bool
    total: int | None = None


def fetch_page(conn: Connection, query: Query, *, include_total: bool = False) -> Page:
    """`query.limit` rows (one more is read to know whether more exist)."""
    limit = query.limit
    assert limit is not None, "a page needs a limit"
    compiled = compile_query(replace(query, limit=limit + 1), conn.dialect.name)
    fetched = conn.execute(compiled.select).all()
    has_more = len(fetched) > limit
    rows = fetched[:limit]
    visible = len(compiled.columns)
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        values = [cursor_value(f, last[visible + i]) for i, f in enumerate(compiled.sort_fields)]
        next_cursor = encode_cursor(compiled.signature, values)
    return Page(
        columns=compiled.columns,
        rows=[tuple(r[:visible]) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
        total=count(conn, query) if include_total else None,
    )


def stream_rows(engine: Engine, query: Query) -> tuple[tuple[Column, ...], Iterator[Sequence[Any]]]:
    """Every matching row, read from the cursor in batches; memory stays flat.

    The query is compiled before returning, so bad parameters fail before any byte
    of a response is sent; the connection opens when the first row is asked for.
    """
    compiled = compile_query(query, engine.dialect.name, with_cursor_columns=False)

    def rows() -> Iterator[Sequence[Any]]:
        with engine.connect() as conn:
            options: dict[str, Any] = {"yield_per": STREAM_BATCH}
            if engine.dialect.name == "postgresql":
                options["stream_results"] = True
            result = conn.execution_options(**options).execute(compiled.select)
            for batch in result.partitions():
                yield from batch

    return compiled.columns, rows()


def fetch_one(
    conn: Connection, query: Query, object_id: int
) -> tuple[tuple[Column, ...], Sequence[Any]]:
    """One row by id, or NotFound; scoped like every other query."""
    by_id = FieldFilter(query.resource.field("id"), OPERATORS["eq"], (object_id,))
    scoped = replace(query, filters=(*query.filters, by_id), limit=1, cursor=None, offset=None)
    compiled = compile_query(scoped, conn.dialect.name, with_cursor_columns=False)
    row = conn.execute(compiled.select).first()
    if row is None:
        raise NotFound.for_field(
            "id", "exists", f"no {query.resource.name} with id {object_id} in this workspace"
        )
    return compiled.columns, tuple(row)


def count(conn: Connection, query: Query) -> int:
    compiled = compile_query(
        replace(query, cursor=None, limit=None, offset=None), conn.dialect.name
    )
    return int(conn.execute(count_select(compiled)).scalar_one())


__all__ = ["Page", "count", "fetch_one", "fetch_page", "stream_rows"]
