"""The attendance report: who was in each venue, for how long, and how full it got.

Counts closed sessions (joined_at and left_at known) as ``[joined_at, left_at)``:
a session is counted once in every bucket it overlaps, its minutes are split
between buckets, talk time is spread evenly over the stay. Sessions still open
(no left_at yet) count once they close. See `turnout.reports.intervals`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.formats import Column
from turnout.reports import presence, presence_days
from turnout.reports.buckets import bucket_bounds, make_plan
from turnout.reports.days import day_plan
from turnout.reports.labels import fetch_labels
from turnout.reports.model import (
    Deadline,
    Dimension,
    Filter,
    Metric,
    Report,
    ReportOutput,
    ReportRequest,
)
from turnout.reports.numbers import minutes, minutes_per

VENUE = Dimension("venue", (Column("venue_id", "integer"), Column("venue_name")), "the venue")
VENUE_FILTERS = (
    Filter("venue_id", "id", "only these venues"),
    Filter(
        "kind", "text", "only venues of these kinds (store, room, private_volume, hotspot, arena)"
    ),
)


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    scope = presence.venue_scope(conn, request)
    if scope == []:
        return ReportOutput({})
    bounds = bucket_bounds(request.start, request.end, request.tz, request.granularity)
    days = day_plan(conn, request, "sessions")
    plan = make_plan(bounds, use_rollups=request.use_rollups and days is None)
    unique: dict[Any, int] = {}
    wants_unique = "unique_customers" in request.metrics
    if days is not None:
        totals = presence_days.collect_days(conn, request, days, scope, deadline)
        if wants_unique and presence_days.distinct_available(request, days, scope):
            unique, _, _ = presence_days.distinct_days(conn, request, days, scope, deadline)
            wants_unique = False
    else:
        totals = presence.collect(conn, request, plan, scope, deadline)
    if wants_unique:
        unique = presence.unique_attendees(conn, request, plan, scope, deadline)
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (bucket, venue), t in totals.items():
        if not t.sessions:
            continue
        key = (bucket, venue) if "venue" in request.group_by else (bucket,)
        values[key] = {
            "sessions": t.sessions,
            "unique_customers": unique.get((bucket, venue), 0),
            "attendance_minutes": minutes(t.attendance_us),
            "talk_minutes": minutes(t.talk_us),
            "peak_occupancy": t.peak,
            "average_stay_minutes": minutes_per(t.attendance_us, t.sessions),
        }
    labels = {}
    if "venue" in request.group_by:
        labels["venue"] = fetch_labels(conn, request.workspace_id, "venue", (k[1] for k in values))
    used = days is not None or plan.uses_rollups
    return ReportOutput(values, labels, used_rollups=used, used_days=days is not None)


REPORT = Report(
    name="attendance",
    title="Attendance",
    description=(
        "Per venue and time bucket (default: venue, day): sessions present, unique "
        "customers, attendance and talk minutes (split at bucket boundaries), peak "
        "concurrent occupancy of a venue, and average minutes per session in the bucket."
    ),
    time_field="joined_at..left_at",
    metrics=(
        Metric("sessions", "integer", "closed sessions present in the bucket (once each)"),
        Metric("unique_customers", "integer", "distinct customers among them", raw_only=True),
        Metric("attendance_minutes", "decimal", "minutes present inside the bucket"),
        Metric("talk_minutes", "decimal", "talk time, spread evenly over each stay"),
        Metric("peak_occupancy", "integer", "most sessions present at one venue at once"),
        Metric("average_stay_minutes", "decimal", "attendance minutes per session"),
    ),
    dimensions=(VENUE,),
    filters=VENUE_FILTERS,
    default_group_by=("venue", "day"),
    compute=compute,
    rollups=("sessions",),
)
