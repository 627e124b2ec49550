"""The report handlers: read LeadByte's query string, run the core report, render rows.

The route's Scope dependency has verified `?key=` and put the key's principal on
`request.state.principal` by the time a handler runs. Handlers are plain functions
(run in the thread pool), so a report that takes a while holds one worker thread,
and the core lock answers a second request for the same type at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy.engine import Connection

from turnout.api.responses import JSONResponse
from turnout.auth.keys import Principal
from turnout.core.clock import utcnow
from turnout.core.errors import NotFound
from turnout.core.execute import fetch_page
from turnout.core.operators import OPERATORS
from turnout.core.query import FieldFilter, Query
from turnout.core.registry import Resource
from turnout.core.resources.marketing import CAMPAIGNS, SUPPLIERS
from turnout.core.windows import parse_zone
from turnout.dialects.leadbyte import render
from turnout.dialects.leadbyte.params import parse_params
from turnout.dialects.leadbyte.reports import REPORT_TYPES, ReportType
from turnout.reports.engine import DEFAULT_TIMEOUT_SECONDS, run_report
from turnout.reports.params import parse_report_params


def _principal(request: Request) -> Principal:
    principal: Principal = request.state.principal
    return principal


def _find(
    conn: Connection, resource: Resource, principal: Principal, ident: int, fields: tuple[str, ...]
) -> dict[str, Any] | None:
    query = Query(
        resource=resource,
        workspace_id=principal.workspace_id,
        tz=parse_zone(principal.workspace_timezone),
        filters=(FieldFilter(resource.field("id"), OPERATORS["eq"], (ident,)),),
        fields=tuple(resource.field(name) for name in fields),
        limit=1,
    )
    page = fetch_page(conn, query)
    if not page.rows:
        return None
    return dict(zip([c.name for c in page.columns], page.rows[0], strict=True))


def _campaign(conn: Connection, principal: Principal, ident: int) -> dict[str, Any]:
    found = _find(conn, CAMPAIGNS, principal, ident, ("id", "name", "reference", "currency"))
    if found is None:
        raise NotFound.for_field("campaignId", "exists", f"campaignId: no campaign with id {ident}")
    return found


def _check_supplier(conn: Connection, principal: Principal, ident: int) -> None:
    if _find(conn, SUPPLIERS, principal, ident, ("id",)) is None:
        raise NotFound.for_field("supplierId", "exists", f"supplierId: no supplier with id {ident}")


def run(request: Request, kind: ReportType) -> JSONResponse:
    principal = _principal(request)
    wanted = parse_params(list(request.query_params.multi_items()))
    parsed = parse_report_params(
        kind.report,
        [*wanted.core, ("group_by", kind.dimension)],
        workspace_id=principal.workspace_id,
        workspace_tz=principal.workspace_timezone,
        now=utcnow(),
    )
    engine = request.app.state.engine
    campaign = None
    with engine.connect() as conn:
        if wanted.campaign_id is not None:
            campaign = _campaign(conn, principal, wanted.campaign_id)
        if wanted.supplier_id is not None:
            _check_supplier(conn, principal, wanted.supplier_id)
    timeout = getattr(request.app.state, "report_timeout", None) or DEFAULT_TIMEOUT_SECONDS
    result = run_report(engine, kind.report, parsed, timeout=timeout)
    rows = render.rows_as_dicts(result.columns, result.rows)
    data = [render.row_object(kind, row) for row in rows]
    if not data and campaign is not None and kind.dimension == "campaign":
        labels = {
            "campaign_id": campaign["id"],
            "campaign_name": campaign["name"],
            "campaign_reference": campaign["reference"],
        }
        data = [render.zero_row(kind, labels, campaign["currency"])]
    return JSONResponse(render.success(data))


def make_view(kind: ReportType) -> Callable[[Request], JSONResponse]:
    def view(request: Request) -> JSONResponse:
        return run(request, kind)

    view.__name__ = f"leadbyte_{kind.name}_report"
    return view


def unknown_report(request: Request, report: str) -> JSONResponse:
    """Any other report type: 404 naming the ones this server has."""
    known = ", ".join(t.name for t in REPORT_TYPES)
    raise NotFound.for_field(
        "report",
        "one_of",
        f"Unknown report type {report[:100]!r}; this server offers: {known}",
    )
