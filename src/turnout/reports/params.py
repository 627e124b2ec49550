"""Query parameters of `GET /v1/reports/{report}` into a `ReportRequest`.

Every refusal is an InvalidParameter naming the parameter: unknown parameters,
unknown metrics, dimensions or filter values, windows that are open-ended, inverted
or too long for hour buckets, unknown zones (the window rules come from
`turnout.core.windows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from turnout.core.errors import InvalidParameter
from turnout.core.windows import parse_zone, resolve_window
from turnout.reports.buckets import (
    GRANULARITIES,
    MAX_BUCKETS,
    MAX_HOUR_WINDOW,
    Granularity,
    bucket_bounds,
)
from turnout.reports.model import COMMON_PARAMETERS, Report, ReportRequest

DEFAULT_PRESET = "last_30d"
MAX_LIST_ITEMS = 500
# The shortest each period can be (DST days, February), to refuse huge windows cheaply.
_SHORTEST = {
    "hour": timedelta(minutes=30),
    "day": timedelta(hours=22),
    "week": timedelta(days=6, hours=22),
    "month": timedelta(days=28),
}


def _bad(field: str, rule: str, message: str) -> InvalidParameter:
    return cast(InvalidParameter, InvalidParameter.for_field(field, rule, message))


def _single(params: Sequence[tuple[str, str]], report: Report) -> dict[str, str]:
    known = set(COMMON_PARAMETERS) | {f.name for f in report.filters}
    values: dict[str, str] = {}
    for name, value in params:
        if name not in known:
            accepted = ", ".join(sorted(known))
            raise _bad(
                name,
                "unknown",
                f"{name}: unknown parameter for the {report.name} report; accepted: {accepted}",
            )
        if name in values:
            if report.filter(name) is None:
                raise _bad(name, "repeated", f"{name} may be given only once")
            values[name] = f"{values[name]},{value}"
        else:
            values[name] = value
    return values


def _names(text: str, field: str) -> list[str]:
    names = [part.strip() for part in text.split(",")]
    names = [n for n in names if n]
    if len(names) > MAX_LIST_ITEMS:
        raise _bad(field, "max_items", f"{field} takes at most {MAX_LIST_ITEMS} values")
    if len(set(names)) != len(names):
        raise _bad(field, "unique", f"{field} names a value more than once")
    return names


def _group_by(report: Report, text: str | None) -> tuple[Granularity | None, tuple[str, ...]]:
    names = list(report.default_group_by) if text is None else _names(text, "group_by")
    granularity: Granularity | None = None
    dims: list[str] = []
    for name in names:
        key = name.lower()
        if key in GRANULARITIES:
            if granularity is not None:
                raise _bad("group_by", "one_time_bucket", "group_by takes at most one time bucket")
            granularity = cast(Granularity, key)
        elif report.dimension(key) is not None:
            dims.append(key)
        else:
            choices = [d.name for d in report.dimensions] + list(GRANULARITIES)
            raise _bad(
                "group_by",
                "one_of",
                f"group_by: unknown dimension {name!r} for the {report.name} report; "
                f"use any of {', '.join(choices)}",
            )
    return granularity, tuple(dims)


def _metrics(report: Report, text: str | None) -> tuple[str, ...]:
    if text is None:
        return tuple(m.name for m in report.metrics)
    names = _names(text, "metrics")
    if not names:
        raise _bad("metrics", "required", "metrics: name at least one metric")
    for name in names:
        if report.metric(name) is None:
            raise _bad(
                "metrics",
                "one_of",
                f"metrics: unknown metric {name!r} for the {report.name} report; "
                f"use any of {', '.join(m.name for m in report.metrics)}",
            )
    return tuple(names)


def _filters(report: Report, values: dict[str, str]) -> dict[str, tuple[Any, ...]]:
    filters: dict[str, tuple[Any, ...]] = {}
    for flt in report.filters:
        text = values.get(flt.name)
        if text is None:
            continue
        items = [part.strip() for part in text.split(",") if part.strip()]
        if not items or len(items) > MAX_LIST_ITEMS:
            raise _bad(
                flt.name,
                "required",
                f"{flt.name}: give 1 to {MAX_LIST_ITEMS} comma-separated values",
            )
        if flt.kind == "id":
            ids = []
            for item in items:
                if not item.isascii() or not item.isdigit() or not 0 < int(item) < 2**63:
                    raise _bad(flt.name, "integer", f"{flt.name}: {item!r} is not a positive id")
                ids.append(int(item))
            filters[flt.name] = tuple(ids)
        else:
            if any(len(item) > 200 for item in items):
                raise _bad(flt.name, "max_length", f"{flt.name}: values are at most 200 characters")
            filters[flt.name] = tuple(items)
    return filters


def parse_report_params(
    report: Report,
    params: Sequence[tuple[str, str]],
    *,
    workspace_id: int,
    workspace_tz: str,
    now: datetime,
) -> ReportRequest:
    values = _single(params, report)
    tz = parse_zone(values.get("tz"), default=workspace_tz)
    start_text, end_text = values.get("from"), values.get("to")
    preset, range_text = values.get("preset"), values.get("range")
    if start_text is None and end_text is None and preset is None and range_text is None:
        preset = DEFAULT_PRESET
    window = resolve_window(
        start=start_text, end=end_text, preset=preset, range_=range_text, tz=tz, now=now
    )
    if window.start is None:
        raise _bad("from", "required", "from is required when to is given (or use preset)")
    start = window.start
    end = window.end if window.end is not None else now
    if end <= start:
        raise _bad("from", "order", "from must be before now when to is not given")
    granularity, dims = _group_by(report, values.get("group_by"))
    if granularity == "hour" and end - start > MAX_HOUR_WINDOW:
        raise _bad(
            "group_by",
            "max_window",
            f"group_by=hour needs a window of at most {MAX_HOUR_WINDOW.days} days; "
            f"this one is {(end - start) / timedelta(days=1):.1f} days: narrow from/to or "
            "group by day",
        )
    if granularity is not None and (
        (end - start) / _SHORTEST[granularity] > MAX_BUCKETS
        or len(bucket_bounds(start, end, tz, granularity)) - 1 > MAX_BUCKETS
    ):
        raise _bad(
            "group_by",
            "max_buckets",
            f"group_by={granularity} gives more than {MAX_BUCKETS} buckets; narrow from/to",
        )
    return ReportRequest(
        workspace_id=workspace_id,
        start=start,
        end=end,
        tz=tz,
        granularity=granularity,
        group_by=dims,
        metrics=_metrics(report, values.get("metrics")),
        filters=_filters(report, values),
        now=now,
    )
