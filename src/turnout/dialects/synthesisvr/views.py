"""Handlers: read the path, build the core query, write the rows.

The route table (`routes.py`) declares each handler's permission; the verified key
is on `request.state.principal` by the time a handler runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import Path, Request
from starlette.responses import Response

from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter
from turnout.core.query import Query
from turnout.core.windows import parse_zone
from turnout.dialects.synthesisvr import customers
from turnout.dialects.synthesisvr.columns import goods_columns, layout, session_columns
from turnout.dialects.synthesisvr.criteria import ENDPOINTS, build_selection
from turnout.dialects.synthesisvr.output import file_response, json_response

TYPES = ("json", "xlsx")


def _key() -> Any:
    return Path(description="The API key (Turnout keys look like tk_<id>_<secret>).")


def _kind() -> Any:
    return Path(alias="type", description="json or xlsx")


def _range() -> Any:
    return Path(alias="range", description="A duration such as `1 day` or `1 month 5 days`.")


def _criteria() -> Any:
    return Path(description="Space-separated search criteria, e.g. `date=2019-07-12`.")


def _principal(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def _type(text: str) -> str:
    kind = text.strip().lower()
    if kind not in TYPES:
        raise InvalidParameter.for_field("type", "one_of", "type must be json or xlsx")
    return kind


def _rows(
    request: Request, endpoint_name: str, kind: str, range_: str | None, criteria: str
) -> Response:
    principal = _principal(request)
    endpoint = ENDPOINTS[endpoint_name]
    kind = _type(kind)
    now = utcnow()
    tz = parse_zone(principal.workspace_timezone)
    selection = build_selection(
        endpoint, range_, criteria, workspace_id=principal.workspace_id, tz=tz, now=now
    )
    if endpoint_name == "sessions":
        # Comments are a JSON-only extra, as the product documents.
        comments = selection.comments and kind == "json"
        columns = session_columns(tz, phone=selection.phone, comments=comments)
    else:
        columns = goods_columns(tz, phone=selection.phone)
    out = layout(endpoint.resource, columns)
    engine = request.app.state.engine
    if kind == "json":
        return json_response(engine, selection.query, out)
    return file_response(engine, selection.query, out, kind=kind, name=endpoint_name, now=now)


def make_list_views(endpoint_name: str) -> tuple[Callable[..., Response], ...]:
    """The three path shapes: with RANGE and CRITERIA, with RANGE only, with neither."""

    def with_criteria(
        request: Request,
        key: str = _key(),
        kind: str = _kind(),
        range_: str = _range(),
        criteria: str = _criteria(),
    ) -> Response:
        return _rows(request, endpoint_name, kind, range_, criteria)

    def with_range(
        request: Request, key: str = _key(), kind: str = _kind(), range_: str = _range()
    ) -> Response:
        return _rows(request, endpoint_name, kind, range_, "")

    def bare(request: Request, key: str = _key(), kind: str = _kind()) -> Response:
        return _rows(request, endpoint_name, kind, None, "")

    views = (with_criteria, with_range, bare)
    for view in views:
        view.__name__ = f"{endpoint_name}_{view.__name__}"
    return views


def _customer_base(request: Request, texts: Sequence[str] = ()) -> tuple[Query, datetime]:
    principal = _principal(request)
    now = utcnow()
    tz = parse_zone(principal.workspace_timezone)
    query = customers.customer_query(
        workspace_id=principal.workspace_id, tz=tz, now=now, texts=texts
    )
    return query, now


def customers_json(request: Request, key: str = _key()) -> Response:
    query, _ = _customer_base(request)
    return json_response(request.app.state.engine, query, customers.json_layout(query.tz))


def customers_search(
    request: Request,
    key: str = _key(),
    text: str = Path(description="Free text: name, email or phone."),
) -> Response:
    query, _ = _customer_base(request, customers.search_words(text))
    return json_response(request.app.state.engine, query, customers.json_layout(query.tz))


def customers_csv(
    request: Request,
    key: str = _key(),
    columns: str = Path(description="Comma list of columns, in the order wanted."),
) -> Response:
    return _customers_csv(request, columns)


def customers_csv_default(request: Request, key: str = _key()) -> Response:
    return _customers_csv(request, None)


def _customers_csv(request: Request, columns: str | None) -> Response:
    query, now = _customer_base(request)
    engine = request.app.state.engine
    with engine.connect() as conn:
        query, out = customers.csv_selection(conn, query, columns)
    return file_response(engine, query, out, kind="csv", name="customers", now=now)
