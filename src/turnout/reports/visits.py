"""The visits report: arrivals per venue and bucket, who was new, how long they stayed.

A visit is a session with a ``joined_at``; it counts in the bucket where it arrives,
with its whole dwell (``left_at - joined_at``, when known) and its satisfaction
score (when given). A visitor is *new* in the bucket of their first arrival ever at
the venue (at any venue in scope when not grouping by venue), *returning* otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.reports import presence, presence_days
from turnout.reports.attendance import VENUE, VENUE_FILTERS
from turnout.reports.buckets import bucket_bounds, make_plan
from turnout.reports.days import day_plan
from turnout.reports.labels import fetch_labels
from turnout.reports.model import (
    Deadline,
    Metric,
    Report,
    ReportOutput,
    ReportRequest,
)
from turnout.reports.numbers import minutes_per, ratio

_DISTINCT = ("unique_visitors", "new_visitors", "returning_visitors")


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    scope = presence.venue_scope(conn, request)
    if scope == []:
        return ReportOutput({})
    bounds = bucket_bounds(request.start, request.end, request.tz, request.granularity)
    days = day_plan(conn, request, "sessions")
    plan = make_plan(bounds, use_rollups=request.use_rollups and days is None)
    visitors: dict[Any, int] = {}
    new: dict[Any, int] = {}
    wants_distinct = any(name in request.metrics for name in _DISTINCT)
    if days is not None:
        totals = presence_days.collect_days(conn, request, days, scope, deadline)
        if wants_distinct and presence_days.distinct_available(request, days, scope):
            _, visitors, new = presence_days.distinct_days(conn, request, days, scope, deadline)
            wants_distinct = False
    else:
        totals = presence.collect(conn, request, plan, scope, deadline)
    if wants_distinct:
        visitors, new = presence.unique_visitors(conn, request, plan, scope, deadline)
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (bucket, venue), t in totals.items():
        if not t.visits:
            continue
        key = (bucket, venue) if "venue" in request.group_by else (bucket,)
        unique = visitors.get((bucket, venue), 0)
        first = new.get((bucket, venue), 0)
        values[key] = {
            "visits": t.visits,
            "unique_visitors": unique,
            "new_visitors": first,
            "returning_visitors": unique - first,
            "average_dwell_minutes": minutes_per(t.dwell_us, t.dwell_count),
            "average_satisfaction": ratio(t.satisfaction_sum, t.satisfaction_count),
            "satisfaction_responses": t.satisfaction_count,
        }
    labels = {}
    if "venue" in request.group_by:
        labels["venue"] = fetch_labels(conn, request.workspace_id, "venue", (k[1] for k in values))
    used = days is not None or plan.uses_rollups
    return ReportOutput(values, labels, used_rollups=used, used_days=days is not None)


REPORT = Report(
    name="visits",
    title="Visits",
    description=(
        "Per venue and time bucket (default: venue, day): visits (arrivals), unique, new and "
        "returning visitors, average dwell minutes and average satisfaction."
    ),
    time_field="joined_at",
    metrics=(
        Metric("visits", "integer", "sessions arriving in the bucket"),
        Metric("unique_visitors", "integer", "distinct known customers arriving", raw_only=True),
        Metric("new_visitors", "integer", "of those, first arrival ever", raw_only=True),
        Metric("returning_visitors", "integer", "of those, seen before", raw_only=True),
        Metric("average_dwell_minutes", "decimal", "mean left_at - joined_at of the visits"),
        Metric("average_satisfaction", "decimal", "mean satisfaction score given"),
        Metric("satisfaction_responses", "integer", "visits with a satisfaction score"),
    ),
    dimensions=(VENUE,),
    filters=VENUE_FILTERS,
    default_group_by=("venue", "day"),
    compute=compute,
    rollups=("sessions",),
)
