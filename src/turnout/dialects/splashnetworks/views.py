"""The four list handlers: read the parameters, ask the core for one page, render it.

Each list is a `Listing`: the core resource, what rows belong to the seed's
notion of it (visits and venues are the hotspot ones), its order, its time field
for `start_date`/`end_date`, and the function that renders an item. The route
table (`routes.py`) declares each handler's permission; the verified key is on
`request.state.principal` by the time a handler runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection

from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.execute import fetch_page
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.registry import Resource
from turnout.core.resources.commerce import VOUCHERS
from turnout.core.resources.people import CUSTOMERS
from turnout.core.resources.places import VENUES
from turnout.core.resources.sessions import SESSIONS
from turnout.core.windows import parse_zone
from turnout.dialects.splashnetworks import render
from turnout.dialects.splashnetworks.params import list_request

HOTSPOT = "hotspot"
Row = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    resource: Resource
    fields: tuple[str, ...]
    item: Callable[[Row], dict[str, Any]]
    sort: tuple[tuple[str, bool], ...] = (("id", False),)
    kind_field: str | None = None  # rows only of hotspot venues, by this field
    time_field: str | None = None  # what start_date/end_date bound; None: not dated


CUSTOMER_LIST = Listing(CUSTOMERS, render.CUSTOMER_FIELDS, render.customer, time_field="created_at")
VISIT_LIST = Listing(
    SESSIONS,
    render.VISIT_FIELDS,
    render.visit,
    sort=(("joined_at", False), ("id", False)),
    kind_field="venue_kind",
    time_field="joined_at",
)
VENUE_LIST = Listing(VENUES, render.VENUE_FIELDS, render.venue, kind_field="kind")
VOUCHER_LIST = Listing(VOUCHERS, render.VOUCHER_FIELDS, render.voucher)


def base_query(listing: Listing, principal: Principal, *, now: datetime) -> Query:
    """Every row of the listing in the key's workspace, projected and ordered."""
    resource = listing.resource
    filters: tuple[FieldFilter, ...] = ()
    if listing.kind_field is not None:
        filters = (FieldFilter(resource.field(listing.kind_field), OPERATORS["eq"], (HOTSPOT,)),)
    return Query(
        resource=resource,
        workspace_id=principal.workspace_id,
        tz=parse_zone(principal.workspace_timezone),
        filters=filters,
        time_field=listing.time_field,
        sort=listing.sort,
        fields=tuple(resource.field(name) for name in listing.fields),
        now=now,
    )


def rows_of(conn: Connection, query: Query) -> tuple[list[Row], int | None]:
    page = fetch_page(conn, query, include_total=True)
    names = [column.name for column in page.columns]
    return [dict(zip(names, row, strict=True)) for row in page.rows], page.total


def _principal(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def _list(request: Request, listing: Listing) -> JSONResponse:
    principal = _principal(request)
    now = utcnow()
    wanted = list_request(
        list(request.query_params.multi_items()),
        principal,
        dated=listing.time_field is not None,
        now=now,
    )
    query = replace(
        base_query(listing, principal, now=now),
        window=wanted.window,
        limit=wanted.paging.per_page,
        offset=wanted.paging.offset,
    )
    with request.app.state.engine.connect() as conn:
        rows, total = rows_of(conn, query)
    return JSONResponse(
        render.envelope(
            [listing.item(row) for row in rows],
            total=total or 0,
            page=wanted.paging.page,
            per_page=wanted.paging.per_page,
        )
    )


def list_customers(request: Request) -> JSONResponse:
    return _list(request, CUSTOMER_LIST)


def list_customer_visits(request: Request) -> JSONResponse:
    return _list(request, VISIT_LIST)


def list_venues(request: Request) -> JSONResponse:
    return _list(request, VENUE_LIST)


def list_vouchers(request: Request) -> JSONResponse:
    return _list(request, VOUCHER_LIST)
