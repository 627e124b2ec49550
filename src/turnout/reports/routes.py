"""`GET /v1/reports` and `GET /v1/reports/{report}`, both needing `reports:read`."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Path, Request
from starlette.responses import Response, StreamingResponse

from turnout.auth.keys import Principal
from turnout.auth.scopes import require
from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter
from turnout.core.values import parse_bool
from turnout.db.types import format_utc
from turnout.formats import FormatOptions, negotiate
from turnout.reports import BY_NAME, REPORTS
from turnout.reports.engine import DEFAULT_TIMEOUT_SECONDS, run_report
from turnout.reports.model import Report
from turnout.reports.params import parse_report_params

PERMISSION = "reports:read"


def _report(name: str) -> Report:
    report = BY_NAME.get(name)
    if report is None:
        raise InvalidParameter.for_field(
            "report",
            "one_of",
            f"report: unknown report {name[:100]!r}; use one of {', '.join(BY_NAME)}",
        )
    return report


def list_reports(request: Request, principal: Principal = require(PERMISSION)) -> Response:
    body = orjson.dumps({"data": [report.describe() for report in REPORTS]})
    return Response(body, media_type="application/json")


def get_report(
    request: Request,
    report_name: str = Path(alias="report", max_length=200),
    principal: Principal = require(PERMISSION),
) -> Response:
    report = _report(report_name)
    params = [(k, v) for k, v in request.query_params.multi_items()]
    fmt = negotiate(request.query_params.get("format"), request.headers.get("accept"))
    bom_text = request.query_params.get("bom")
    bom = parse_bool(bom_text, "bom") if bom_text is not None else False
    now = utcnow()
    parsed = parse_report_params(
        report,
        params,
        workspace_id=principal.workspace_id,
        workspace_tz=principal.workspace_timezone,
        now=now,
    )
    timeout = getattr(request.app.state, "report_timeout", None) or DEFAULT_TIMEOUT_SECONDS
    result = run_report(request.app.state.engine, report, parsed, timeout=timeout)
    meta: dict[str, Any] = {
        "report": report.name,
        "from": format_utc(parsed.start),
        "to": format_utc(parsed.end),
        "tz": parsed.tz.key,
        "group_by": ([parsed.granularity] if parsed.granularity else []) + list(parsed.group_by),
        "used_rollups": result.used_rollups,
    }
    if fmt.name == "json":
        body = b"".join(fmt.stream(result.columns, result.rows, meta=meta))
        return Response(body, media_type=fmt.media_type)
    options = FormatOptions(bom=bom, tz=parsed.tz, sheet_name=report.name)
    filename = f"{report.name}-report-{date.today().isoformat()}.{fmt.extension}"
    return StreamingResponse(
        fmt.stream(result.columns, result.rows, options=options),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def build_reports_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(
        "/v1/reports",
        list_reports,
        methods=["GET"],
        operation_id="list_reports",
        tags=["reports"],
        summary="The reports, with their metrics, dimensions, filters and parameters",
    )
    router.add_api_route(
        "/v1/reports/{report}",
        get_report,
        methods=["GET"],
        operation_id="run_report",
        tags=["reports"],
        summary="Run one report over a window, grouped and filtered, in any format",
    )
    return router


def install_reports(app: FastAPI) -> None:
    app.include_router(build_reports_router())
