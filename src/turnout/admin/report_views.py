"""Reports: pick one, a window and a grouping; a table, a chart, and downloads.

The page's URL carries the report's own parameters (`preset`, `from`, `to`,
`group_by`, `metrics`, filters), parsed and run by the same functions as
`GET /v1/reports/{report}`; `chart` and `plot` only choose how it is drawn.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from fastapi import Depends, Path, Request
from starlette.responses import Response, StreamingResponse

from turnout.admin.browser import url
from turnout.admin.charts import Chart, ChartKind, build_chart
from turnout.admin.web import PREFIX, AdminContext, current_admin, redirect, render
from turnout.core.clock import utcnow
from turnout.core.errors import InvalidParameter, NotFound, TurnoutError
from turnout.core.windows import PRESETS
from turnout.formats import FORMATS, Column, FormatOptions
from turnout.reports import BY_NAME, REPORTS
from turnout.reports.buckets import GRANULARITIES, bucket_bounds, period_label
from turnout.reports.engine import DEFAULT_TIMEOUT_SECONDS, ReportResult, run_report
from turnout.reports.model import COMMON_PARAMETERS, Report, ReportRequest
from turnout.reports.params import DEFAULT_PRESET, parse_report_params

DOWNLOAD_FORMATS = ("csv", "xlsx", "ndjson", "json")
VIEW_PARAMS = ("chart", "plot")
FORM_PARAMS = ("form", "bucket", "dim", "metric")


def report_named(name: str) -> Report:
    report = BY_NAME.get(name)
    if report is None:
        raise NotFound.for_field("report", "exists", f"no report named {name[:64]!r}")
    return report


def report_params(request: Request, report: Report) -> list[tuple[str, str]]:
    known = set(COMMON_PARAMETERS) | {f.name for f in report.filters}
    return [
        (k, v)
        for k, v in request.query_params.multi_items()
        # An empty group_by means "no grouping" (totals); other empty fields, "not given".
        if k in known and k != "format" and (v != "" or k == "group_by")
    ]


def _from_form(request: Request, report: Report) -> list[tuple[str, str]]:
    """The form's checkboxes (bucket, dim, metric) as the report's own parameters."""
    query = request.query_params
    kept = [(k, v) for k, v in report_params(request, report) if k not in {"group_by", "metrics"}]
    group = [b for b in query.getlist("bucket") if b] + query.getlist("dim")
    kept.append(("group_by", ",".join(group)))
    metrics = query.getlist("metric")
    if metrics and len(metrics) < len(report.metrics):
        kept.append(("metrics", ",".join(metrics)))
    kept.extend((k, query[k]) for k in VIEW_PARAMS if query.get(k))
    return kept


def reports_index(request: Request, admin: AdminContext = Depends(current_admin)) -> Response:
    admin.require_workspace()
    return render(request, "reports_index.html", reports=REPORTS)


def _run(request: Request, report: Report, parsed: ReportRequest) -> ReportResult:
    timeout = getattr(request.app.state, "report_timeout", None) or DEFAULT_TIMEOUT_SECONDS
    return run_report(request.app.state.engine, report, parsed, timeout=timeout)


def _parse(request: Request, report: Report, admin: AdminContext) -> ReportRequest:
    workspace = admin.require_workspace()
    return parse_report_params(
        report,
        report_params(request, report),
        workspace_id=workspace.id,
        workspace_tz=workspace.timezone,
        now=utcnow(),
    )


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def chart_of(
    report: Report, parsed: ReportRequest, result: ReportResult, metric: str, kind: ChartKind
) -> Chart | None:
    names = [c.name for c in result.columns]
    if metric not in names:
        return None
    at = names.index(metric)
    keys = [
        i
        for i, c in enumerate(result.columns)
        if c.name != "period" and report.metric(c.name) is None
    ]
    if parsed.granularity is None:
        labels = [" · ".join(str(row[i]) for i in keys) or "total" for row in result.rows]
        return build_chart(labels, [(metric, [_number(row[at]) for row in result.rows])], kind)
    bounds = bucket_bounds(parsed.start, parsed.end, parsed.tz, parsed.granularity)
    labels = [period_label(b, parsed.tz, parsed.granularity) for b in bounds[:-1]]
    position = {label: i for i, label in enumerate(labels)}
    series: dict[str, list[float | None]] = {}
    for row in result.rows:
        name = " · ".join(str(row[i]) for i in keys) or metric
        values = series.setdefault(name, [None] * len(labels))
        slot = position.get(str(row[0]))
        if slot is not None:
            values[slot] = _number(row[at])
    return build_chart(labels, list(series.items()), kind)


def report_page(
    request: Request,
    name: str = Path(max_length=64),
    admin: AdminContext = Depends(current_admin),
) -> Response:
    report = report_named(name)
    path = f"{PREFIX}/reports/{report.name}"
    if "form" in request.query_params:
        return redirect(url(path, _from_form(request, report)))
    kind = cast(ChartKind, "bar" if request.query_params.get("chart") == "bar" else "line")
    plottable = [m.name for m in report.metrics]
    error, status_code = "", 200
    parsed = result = chart = None
    try:
        parsed = _parse(request, report, admin)
        result = _run(request, report, parsed)
        shown = [m for m in parsed.metrics if m in plottable]
        plot = request.query_params.get("plot") or (shown[0] if shown else "")
        chart = chart_of(report, parsed, result, plot, kind)
    except TurnoutError as exc:
        error, status_code = exc.message, exc.status
    params = report_params(request, report)
    return render(
        request,
        "report.html",
        status_code=status_code,
        report=report,
        reports=REPORTS,
        error=error,
        parsed=parsed,
        columns=result.columns if result else [],
        rows=result.rows if result else [],
        chart=chart,
        kind=kind,
        plot=request.query_params.get("plot", ""),
        values=dict(params),
        presets=PRESETS,
        default_preset=DEFAULT_PRESET,
        granularities=GRANULARITIES,
        granularity=parsed.granularity if parsed else None,
        group_dims=parsed.group_by if parsed else (),
        metrics_on=parsed.metrics if parsed else tuple(m.name for m in report.metrics),
        downloads={f: url(f"{path}/export", [*params, ("format", f)]) for f in DOWNLOAD_FORMATS},
        cell=_cell,
    )


def _cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def export(
    request: Request,
    name: str = Path(max_length=64),
    admin: AdminContext = Depends(current_admin),
) -> Response:
    report = report_named(name)
    fmt_name = request.query_params.get("format", "csv")
    if fmt_name not in DOWNLOAD_FORMATS:
        raise InvalidParameter.for_field(
            "format", "one_of", f"format must be one of {', '.join(DOWNLOAD_FORMATS)}"
        )
    fmt = FORMATS[fmt_name]
    parsed = _parse(request, report, admin)
    result = _run(request, report, parsed)
    filename = f"{report.name}-report-{date.today().isoformat()}.{fmt.extension}"
    return StreamingResponse(
        fmt.stream(
            result.columns,
            result.rows,
            options=FormatOptions(tz=parsed.tz, sheet_name=report.name),
        ),
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
