"""The one OASIS handler: parse the query string, ask the core, render the seed's JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection

from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal, key_from_headers
from turnout.auth.scopes import require
from turnout.core.clock import utcnow
from turnout.core.execute import fetch_page
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.registry import Resource
from turnout.core.resources.people import CUSTOMERS
from turnout.core.resources.places import VENUES
from turnout.core.resources.sessions import SESSIONS
from turnout.dialects.oasis import render
from turnout.dialects.oasis.paging import fetch_window, ordered, position_of
from turnout.dialects.oasis.params import ORDER_BY, UTC_ZONE, parse_request


def bearer_key(request: Request) -> str:
    """OASIS sends its key only as `Authorization: Bearer <key>`."""
    return key_from_headers(request.headers.get("authorization"), None)


def _related(
    conn: Connection,
    resource: Resource,
    workspace_id: int,
    ids: Iterable[Any],
    fields: tuple[str, ...],
) -> list[dict[str, Any]]:
    wanted = tuple(sorted({i for i in ids if i is not None}))
    if not wanted:
        return []
    query = Query(
        resource=resource,
        workspace_id=workspace_id,
        tz=UTC_ZONE,
        filters=(FieldFilter(resource.field("id"), OPERATORS["eq"], wanted),),
        fields=tuple(resource.field(name) for name in fields),
        limit=len(wanted),
    )
    page = fetch_page(conn, query)
    names = [column.name for column in page.columns]
    return [dict(zip(names, row, strict=True)) for row in page.rows]


def list_sessions(
    request: Request, principal: Principal = require(SESSIONS.permission, bearer_key)
) -> JSONResponse:
    wanted = parse_request(list(request.query_params.multi_items()))
    field = SESSIONS.field(ORDER_BY[wanted.order_by])
    base = Query(
        resource=SESSIONS,
        workspace_id=principal.workspace_id,
        tz=UTC_ZONE,
        filters=wanted.filters,
        fields=tuple(SESSIONS.field(name) for name in render.SESSION_FIELDS),
        limit=wanted.count,
        now=utcnow(),
    )
    query = ordered(base, field, descending=wanted.descending)
    with request.app.state.engine.connect() as conn:
        window = fetch_window(
            conn,
            query,
            field=field,
            order_by=wanted.order_by,
            after=wanted.after,
            before=wanted.before,
        )
        ws = principal.workspace_id
        customer_rows = _related(
            conn, CUSTOMERS, ws, (r["customer_id"] for r in window.rows), render.CUSTOMER_FIELDS
        )
        store_rows = _related(
            conn, VENUES, ws, (r["venue_id"] for r in window.rows), render.STORE_FIELDS
        )
    customers = {row["id"]: render.customer(row) for row in customer_rows}
    stores = {row["id"]: render.store(row) for row in store_rows}
    rows = window.rows
    before = position_of(rows[0], field, wanted.order_by) if window.has_previous else None
    after = position_of(rows[-1], field, wanted.order_by) if window.has_next else None
    return JSONResponse(
        {
            "data": [render.session(row, customers, stores) for row in rows],
            "pagination": render.pagination(
                count=wanted.count,
                direction="desc" if wanted.descending else "asc",
                before=before,
                after=after,
            ),
        }
    )
